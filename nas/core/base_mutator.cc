#include "nas/core/base_mutator.h"

#include <c10/util/Exception.h>
#include <torch/nn/module.h>

#include "nas/core/internal/mutable_access.h"
#include "nas/core/mutable_tree.h"

namespace nas {

BaseMutator::BaseMutator(std::shared_ptr<torch::nn::Module> model) : model_(std::move(model)) {
  TORCH_CHECK(model_ != nullptr, "a mutator needs a model, got null");
  absl::StatusOr<MutableTree> tree = WalkMutables(*model_);
  TORCH_CHECK(tree.ok(), std::string(tree.status().message()));
  for (const auto& [path, m] : tree->mutables) {
    TORCH_CHECK(m->mutator() == nullptr, "the model is already bound to a mutator (mutable '",
                m->key(), "'); a mutator binds once: use a fresh model instance");
    TORCH_CHECK(!m->is_fixed(), "the model has a fixed architecture (mutable '", m->key(),
                "'); bind mutators to a fresh model instance");
  }
  space_ = std::move(tree->space);
  mutables_ = std::move(tree->mutables);
  for (const auto& [path, m] : mutables_) MutableAccess::bind(*m, this);
}

BaseMutator::~BaseMutator() {
  for (const auto& [path, m] : mutables_) {
    if (m->mutator() == this) MutableAccess::bind(*m, nullptr);
  }
}

}  // namespace nas
