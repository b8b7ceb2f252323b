// The search space of a model: its choices (deduplicated by key, in
// definition order), as the mutators see it and as NNI's search-space JSON
// writes it.
//
//   {
//     "conv1": {"_type": "layer_choice", "_value": ["conv3x3", "conv5x5"]},
//     "skip2": {"_type": "input_choice",
//               "_value": {"candidates": ["conv1", "conv0"], "n_chosen": 1}}
//   }
//
// Example (SearchSpaceOf is in mutable_tree.h):
//   NAS_ASSIGN_OR_RETURN(nas::SearchSpace space, nas::SearchSpaceOf(*model));
//   NAS_RETURN_IF_ERROR(nas::WriteJsonFile("space.json", space.to_json()));
#ifndef NAS_CORE_SEARCH_SPACE_H_
#define NAS_CORE_SEARCH_SPACE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/mutable.h"

namespace nas {

// key -> decision mask (see mutable.h).
using Decisions = std::map<std::string, at::Tensor>;

// One decision of the space.
struct ChoiceSpec {
  std::string key;
  MutableKind kind = MutableKind::kLayerChoice;
  // Layer choice: candidate names. Input choice: choose_from keys ("" = an
  // input without a source key).
  std::vector<std::string> candidates;
  // Input choices: the number to select (nullopt = any number).
  std::optional<int64_t> n_chosen;

  int64_t size() const { return static_cast<int64_t>(candidates.size()); }
  bool operator==(const ChoiceSpec& other) const;
};

class SearchSpace {
 public:
  SearchSpace() = default;
  explicit SearchSpace(std::vector<ChoiceSpec> choices);

  // Reads NNI's search-space JSON (strict: _type, _value; unknown types and
  // members rejected). Keys keep the file's (sorted) order.
  static absl::StatusOr<SearchSpace> from_json(const Json& j);

  // NNI's format; keys sorted as NNI writes them.
  Json to_json() const;

  const std::vector<ChoiceSpec>& choices() const { return choices_; }
  const ChoiceSpec* find(const std::string& key) const;
  // "a, b, c" for messages.
  std::string key_list() const;

  // Checks `decisions` against the space: every key present, no unknown
  // key, each mask of the right length and dtype. The message names the key.
  absl::Status check(const Decisions& decisions) const;

  bool operator==(const SearchSpace& other) const { return choices_ == other.choices_; }

 private:
  std::vector<ChoiceSpec> choices_;
  std::map<std::string, size_t> index_;
};

}  // namespace nas

#endif  // NAS_CORE_SEARCH_SPACE_H_
