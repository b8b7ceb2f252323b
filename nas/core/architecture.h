// Architecture: one decision per choice key, readable by people and by NNI.
//
// JSON values (formats.md): a candidate name or source key ("conv5x5"), an
// index (2), lists of names or indices (integer lists are always indices),
// a bool mask ([true, false]), float weights ([0.1, 0.9]), or [] (nothing).
// Everything NNI v1 ever wrote loads. Written form: names when a choice's
// names are unique and not all digit strings, indices otherwise; one
// selection as a scalar, several as a list.
//
// Example:
//   nas::Architecture arch = mutator.export_architecture();
//   NAS_RETURN_IF_ERROR(nas::WriteArchitecture("arch.json", arch));
//   auto child = std::make_shared<MyNetImpl>();
//   NAS_ASSIGN_OR_RETURN(nas::Architecture loaded, nas::ReadArchitecture("arch.json"));
//   NAS_RETURN_IF_ERROR(nas::ApplyFixedArchitecture(*child, loaded));
//
// Validation against a model or search space
// (resolve()) is strict: unknown or missing keys, unknown names and indices
// out of range are errors that name the key and list what is valid.
#ifndef NAS_CORE_ARCHITECTURE_H_
#define NAS_CORE_ARCHITECTURE_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/search_space.h"

namespace nas {

class Architecture {
 public:
  Architecture() = default;

  // Checks the form of every value (not the keys: that needs a space).
  static absl::StatusOr<Architecture> from_json(const Json& j, const std::string& source = "$");
  Json to_json() const;

  // The readable form of `decisions` (validated by the caller).
  static Architecture from_decisions(const Decisions& decisions, const SearchSpace& space);

  // Masks for every choice of `space`: bool for selections, float32 for
  // weights. Strict (see above).
  absl::StatusOr<Decisions> resolve(const SearchSpace& space) const;

  const std::map<std::string, Json>& values() const { return values_; }
  // Sets the value of `key` (checked by resolve()).
  void set(const std::string& key, Json value) { values_[key] = std::move(value); }

  bool operator==(const Architecture& other) const { return values_ == other.values_; }
  bool operator!=(const Architecture& other) const { return !(*this == other); }

 private:
  std::map<std::string, Json> values_;
};

// A file's architecture (any format of formats.md); NotFound or
// InvalidArgument naming the file and the bad member.
absl::StatusOr<Architecture> ReadArchitecture(const std::string& path);
// Written atomically (temp file + rename).
absl::Status WriteArchitecture(const std::string& path, const Architecture& arch);

}  // namespace nas

#endif  // NAS_CORE_ARCHITECTURE_H_
