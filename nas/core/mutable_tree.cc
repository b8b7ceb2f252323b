#include "nas/core/mutable_tree.h"

#include <map>
#include <set>

#include <torch/nn/module.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nas/base/status.h"
#include "nas/core/input_choice.h"
#include "nas/core/internal/mutable_access.h"
#include "nas/core/layer_choice.h"
#include "nas/core/mutable_scope.h"

namespace nas {

absl::StatusOr<SearchSpace> SearchSpaceOf(torch::nn::Module& model) {
  NAS_ASSIGN_OR_RETURN(MutableTree tree, WalkMutables(model));
  return tree.space;
}

namespace {

ChoiceSpec SpecOf(const std::string& key, Mutable& m) {
  ChoiceSpec spec;
  spec.key = key;
  spec.kind = m.kind();
  if (auto* layer = dynamic_cast<LayerChoiceImpl*>(&m)) {
    spec.candidates = layer->names();
  } else if (auto* input = dynamic_cast<InputChoiceImpl*>(&m)) {
    spec.candidates = input->choose_from();
    spec.n_chosen = input->n_chosen();
  }
  return spec;
}

std::string Describe(const ChoiceSpec& spec) {
  std::string s =
      absl::StrCat(MutableKindName(spec.kind), " [", absl::StrJoin(spec.candidates, ", "), "]");
  if (spec.kind == MutableKind::kInputChoice) {
    absl::StrAppend(&s, " n_chosen=", spec.n_chosen ? std::to_string(*spec.n_chosen) : "any");
  }
  return s;
}

}  // namespace

absl::StatusOr<MutableTree> WalkMutables(torch::nn::Module& model) {
  MutableTree tree;
  std::vector<ChoiceSpec> choices;
  std::map<std::string, size_t> choice_index;
  std::set<std::string> seen_keys;        // choice and scope keys defined so far
  std::vector<std::string> choice_paths;  // paths of LayerChoice/InputChoice
  // named_modules() is a pre-order walk in registration order.
  for (const auto& item : model.named_modules(/*name_prefix=*/"", /*include_self=*/true)) {
    auto* m = dynamic_cast<Mutable*>(item.value().get());
    if (m == nullptr) continue;
    const std::string& path = item.key();
    for (const auto& outer : choice_paths) {
      if (path.rfind(outer + ".", 0) == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("mutable '", path, "' is nested inside the choice '", outer,
                         "'; only a MutableScope may contain mutables"));
      }
    }
    std::string key =
        m->explicit_key().empty() ? (path.empty() ? "root" : path) : m->explicit_key();
    MutableAccess::set_key(*m, key);
    tree.mutables.emplace_back(path, m);
    if (m->kind() == MutableKind::kScope) {
      if (choice_index.count(key)) {
        return absl::InvalidArgumentError(
            absl::StrCat("MutableScope '", path, "' uses the key '", key, "' of a choice"));
      }
      seen_keys.insert(key);
      continue;
    }
    choice_paths.push_back(path);
    ChoiceSpec spec = SpecOf(key, *m);
    if (spec.kind == MutableKind::kInputChoice) {
      for (const auto& source : spec.candidates) {
        if (!source.empty() && !seen_keys.count(source)) {
          return absl::InvalidArgumentError(
              absl::StrCat("InputChoice '", key, "': choose_from key '", source,
                           "' does not name a mutable or scope defined before it"));
        }
      }
    }
    auto it = choice_index.find(key);
    if (it != choice_index.end()) {
      if (!(choices[it->second] == spec)) {
        return absl::InvalidArgumentError(absl::StrCat("mutables sharing the key '", key,
                                                       "' differ: ", Describe(choices[it->second]),
                                                       " vs ", Describe(spec), " at '", path, "'"));
      }
      continue;
    }
    if (seen_keys.count(key)) {
      return absl::InvalidArgumentError(
          absl::StrCat("choice '", path, "' uses the key '", key, "' of a MutableScope"));
    }
    seen_keys.insert(key);
    choice_index[key] = choices.size();
    choices.push_back(std::move(spec));
  }
  tree.space = SearchSpace(std::move(choices));
  return tree;
}

}  // namespace nas
