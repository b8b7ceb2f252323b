// The walk of a model's module tree that binding a mutator and applying a
// fixed architecture share.
#ifndef NAS_CORE_MUTABLE_TREE_H_
#define NAS_CORE_MUTABLE_TREE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "nas/core/mutable.h"
#include "nas/core/search_space.h"
#include "nas/core/torch_fwd.h"

namespace nas {

// Everything binding needs from a walk of the module tree.
struct MutableTree {
  SearchSpace space;
  // Every mutable (scopes and key-sharing duplicates included), in
  // definition order, with its path in the model.
  std::vector<std::pair<std::string, Mutable*>> mutables;
};

// Walks `model` in definition order, assigns default keys (the module path),
// and validates: no mutable inside a LayerChoice/InputChoice, choose_from
// keys name earlier mutables or scopes, mutables sharing a key agree on kind
// and candidates. Does not check whether a mutator is bound.
absl::StatusOr<MutableTree> WalkMutables(torch::nn::Module& model);

// The search space of `model`, walked like a mutator binding does (same
// validation) without binding it.
absl::StatusOr<SearchSpace> SearchSpaceOf(torch::nn::Module& model);

}  // namespace nas

#endif  // NAS_CORE_MUTABLE_TREE_H_
