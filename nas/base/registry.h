// A name -> value registry (usually value = factory function), one instance
// per kind of plugin: spaces (nas::SpaceRegistry(), nas/core/
// space_registry.h), datasets (nas::datasets::DatasetRegistry()), tuners
// (nas::TunerRegistry(), nas/multi_trial/tuner.h).
//
// Registration is static, from the .cc file that defines the thing, in an
// anonymous namespace; such libraries are `alwayslink = 1` so the linker
// keeps them:
//
//   // my_space.cc
//   NAS_REGISTER(nas::SpaceRegistry(), "my_space", &MakeMySpace);
//
//   // anywhere
//   NAS_ASSIGN_OR_RETURN(nas::SpaceFactory factory, nas::SpaceRegistry().Lookup(name));
//
// An unknown name is a NotFound error that lists the registered names.
#ifndef NAS_BASE_REGISTRY_H_
#define NAS_BASE_REGISTRY_H_

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace nas {

template <typename T>
class Registry {
 public:
  // `kind` names the entries in messages ("space", "tuner").
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Fails with AlreadyExists when `name` is taken, InvalidArgument when empty.
  absl::Status Register(const std::string& name, T value) {
    if (name.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("empty ", kind_, " name"));
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (!entries_.emplace(name, std::move(value)).second) {
      return absl::AlreadyExistsError(absl::StrCat(kind_, " '", name, "' is registered twice"));
    }
    return absl::OkStatus();
  }

  // The entry registered as `name`, or NotFound listing the known names.
  absl::StatusOr<T> Lookup(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(name);
    if (it == entries_.end()) {
      return absl::NotFoundError(absl::StrCat(
          "unknown ", kind_, " '", name,
          "'; registered: ", entries_.empty() ? "(none)" : absl::StrJoin(NamesLocked(), ", ")));
    }
    return it->second;
  }

  bool Contains(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_.count(name) > 0;
  }

  // Registered names, sorted.
  std::vector<std::string> Names() const {
    std::lock_guard<std::mutex> lock(mu_);
    return NamesLocked();
  }

  const std::string& kind() const { return kind_; }

 private:
  std::vector<std::string> NamesLocked() const {
    std::vector<std::string> names;
    for (const auto& [name, value] : entries_) names.push_back(name);
    return names;
  }

  const std::string kind_;
  mutable std::mutex mu_;
  std::map<std::string, T> entries_;
};

namespace registry_internal {
// Registers at static-initialisation time; a duplicate name is a programming
// error and stops the program with a message naming it.
template <typename T, typename V>
bool RegisterOrDie(Registry<T>& registry, const std::string& name, V&& value) {
  absl::Status status = registry.Register(name, T(std::forward<V>(value)));
  if (!status.ok()) {
    fprintf(stderr, "fatal: %s\n", std::string(status.message()).c_str());
    std::abort();
  }
  return true;
}
}  // namespace registry_internal

}  // namespace nas

#define NAS_REGISTRY_CONCAT_INNER_(a, b) a##b
#define NAS_REGISTRY_CONCAT_(a, b) NAS_REGISTRY_CONCAT_INNER_(a, b)

// Registers `value` under `name` in `registry` (an expression returning a
// Registry&) during static initialisation. Use at namespace scope in a .cc.
#define NAS_REGISTER(registry, name, value)                                        \
  namespace {                                                                      \
  [[maybe_unused]] const bool NAS_REGISTRY_CONCAT_(nas_registered_, __COUNTER__) = \
      ::nas::registry_internal::RegisterOrDie((registry), (name), (value));        \
  }

#endif  // NAS_BASE_REGISTRY_H_
