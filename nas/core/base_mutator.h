// BaseMutator: binds to one model, once, and controls how its choices run.
//
// Binding (the constructor) walks the module tree in definition order,
// assigns default keys (module paths), collects the choices deduplicated by
// key (search_space()) and every mutable (all_mutables()), and rejects, with
// a message that says why:
//   * a model already bound to a mutator, or with a fixed architecture;
//   * a mutable nested in a LayerChoice / InputChoice;
//   * choose_from keys that do not name an earlier mutable or scope;
//   * mutables sharing a key but differing in kind or candidates.
// These are programming errors and throw c10::Error, like a LibTorch module
// built with bad options. Destroying the mutator unbinds the model.
//
// Hooks, called from the mutables' forward:
//   on_forward_layer_choice(choice, run)  -> output(s) and mask used
//   on_forward_input_choice(choice, run)  -> output(s) and mask used
//   enter_mutable_scope / exit_mutable_scope (exit also runs on exceptions)
// `run(i)` computes candidate i (or returns input i); a hook runs whichever
// candidates it wants, in any way (ProxylessNAS-style gates, Gumbel
// softmax, ...). Mutator (mutator.h) implements them with cached decisions.
#ifndef NAS_CORE_BASE_MUTATOR_H_
#define NAS_CORE_BASE_MUTATOR_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/pimpl.h>

#include "nas/core/mutable.h"
#include "nas/core/search_space.h"
#include "nas/core/torch_fwd.h"

namespace nas {

class LayerChoiceImpl;
class InputChoiceImpl;
class MutableScopeImpl;

class BaseMutator {
 public:
  explicit BaseMutator(std::shared_ptr<torch::nn::Module> model);
  template <typename M>
  explicit BaseMutator(const torch::nn::ModuleHolder<M>& model)
      : BaseMutator(std::static_pointer_cast<torch::nn::Module>(model.ptr())) {}
  virtual ~BaseMutator();

  BaseMutator(const BaseMutator&) = delete;
  BaseMutator& operator=(const BaseMutator&) = delete;

  // The choices, deduplicated by key, in definition order.
  const SearchSpace& search_space() const { return space_; }
  // Every mutable (scopes and key-sharing duplicates too), in definition
  // order, with its module path.
  const std::vector<std::pair<std::string, Mutable*>>& all_mutables() const { return mutables_; }
  const std::shared_ptr<torch::nn::Module>& model() const { return model_; }

  virtual ChoiceOutput on_forward_layer_choice(LayerChoiceImpl& choice, const CandidateFn& run) = 0;
  virtual ChoiceOutput on_forward_input_choice(InputChoiceImpl& choice, const CandidateFn& run) = 0;
  virtual void enter_mutable_scope(MutableScopeImpl& scope) {}
  virtual void exit_mutable_scope(MutableScopeImpl& scope) {}

  // The mutator's own trainable parameters (DARTS alphas, an ENAS
  // controller); the model's parameters are never among them.
  virtual std::vector<at::Tensor> parameters() const { return {}; }

  // Moves the mutator's own parameters and state.
  virtual void to(const at::Device& device) {}

  // Everything needed to resume the mutator exactly (parameters, random
  // generator state). The default stores nothing.
  virtual void save(torch::serialize::OutputArchive& archive) const {}
  virtual void load(torch::serialize::InputArchive& archive) {}

 private:
  std::shared_ptr<torch::nn::Module> model_;
  SearchSpace space_;
  std::vector<std::pair<std::string, Mutable*>> mutables_;
};

}  // namespace nas

#endif  // NAS_CORE_BASE_MUTATOR_H_
