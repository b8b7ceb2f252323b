// MutableScope: a named sub-graph (a cell) whose entry and exit the mutator
// sees (BaseMutator::enter_mutable_scope / exit_mutable_scope). Its key may
// be an InputChoice's choose_from source.
//
//   cell = register_module("cell", nas::MutableScope("cell1", MyCell(...)));
//   x = cell(x);   // enter_mutable_scope, MyCell::forward, exit_mutable_scope
//
// The wrapped module's mutables are children of the scope; exit runs even
// when the body throws.
#ifndef NAS_CORE_MUTABLE_SCOPE_H_
#define NAS_CORE_MUTABLE_SCOPE_H_

#include <string>
#include <utility>

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/pimpl.h>

#include "nas/core/mutable.h"

namespace nas {

class MutableScopeImpl : public torch::nn::Cloneable<MutableScopeImpl>, public Mutable {
 public:
  // `key` may be "" (the module's path is used).
  MutableScopeImpl(std::string key, torch::nn::AnyModule body);

  at::Tensor forward(at::Tensor x);

  // Any inputs, any return type of the body.
  template <typename Return = at::Tensor, typename... Args>
  Return call(Args&&... args) {
    Guard guard(*this);
    return body_.forward<Return>(std::forward<Args>(args)...);
  }

  MutableKind kind() const override { return MutableKind::kScope; }
  const torch::nn::AnyModule& body() const { return body_; }

  void reset() override {}
  std::shared_ptr<torch::nn::Module> clone(
      const c10::optional<torch::Device>& device = c10::nullopt) const override;
  void pretty_print(std::ostream& stream) const override;

 private:
  // Calls the mutator's enter hook now and its exit hook when destroyed.
  class Guard {
   public:
    explicit Guard(MutableScopeImpl& scope);
    ~Guard() noexcept(false);

   private:
    MutableScopeImpl& scope_;
  };

  torch::nn::AnyModule body_;
};

TORCH_MODULE(MutableScope);

}  // namespace nas

#endif  // NAS_CORE_MUTABLE_SCOPE_H_
