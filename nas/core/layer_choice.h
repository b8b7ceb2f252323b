// LayerChoice: one layer whose implementation is chosen among candidates.
//
//   input ──┬─> candidate 0 ──┐
//           ├─> candidate 1 ──┼─> reduce (sum | mean | concat | none) ─> output
//           └─> candidate 2 ──┘   only the candidates in the decision run
//
// Example:
//   op = register_module("op", nas::LayerChoice(
//       std::vector<torch::nn::NamedAnyModule>{
//           {"conv3x3", torch::nn::Conv2d(Conv2dOptions(16, 16, 3).padding(1))},
//           {"conv5x5", torch::nn::Conv2d(Conv2dOptions(16, 16, 5).padding(2))},
//           {"maxpool", torch::nn::MaxPool2d(MaxPool2dOptions(3).stride(1).padding(1))}},
//       nas::LayerChoiceOptions().key("op")));
//   ...
//   x = op(x);                          // the mutator's current decision
//   auto [out, outs, mask] = op->forward_with_mask(x);   // NNI's return_mask
//
// | option    | default | meaning                                              |
// |-----------|---------|------------------------------------------------------|
// | key       | ""      | decision key; "" = the module's path in the model    |
// | reduction | sum     | how several selected outputs combine                 |
//
// Candidates given as a plain list are named "0", "1", ...; every candidate
// is called with the same inputs. Candidates are registered as children
// under their names, so a supernet and a child fixed to one candidate share
// parameter names ("op.conv3x3.weight"): weights move between them by name.
//
// Once a fixed architecture is applied, the unselected candidates are
// dropped and the choice runs the selected one directly, with no mutator.
#ifndef NAS_CORE_LAYER_CHOICE_H_
#define NAS_CORE_LAYER_CHOICE_H_

#include <string>
#include <utility>
#include <vector>

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/named_any.h>
#include <torch/nn/pimpl.h>

#include "nas/core/mutable.h"

namespace nas {

struct LayerChoiceOptions {
  TORCH_ARG(std::string, key) = "";
  TORCH_ARG(Reduction, reduction) = Reduction::kSum;
};

class LayerChoiceImpl : public torch::nn::Cloneable<LayerChoiceImpl>, public Mutable {
 public:
  // Candidates named "0", "1", ...
  explicit LayerChoiceImpl(std::vector<torch::nn::AnyModule> candidates,
                           LayerChoiceOptions options = {});
  // Named candidates; names must be unique and non-empty.
  explicit LayerChoiceImpl(std::vector<torch::nn::NamedAnyModule> candidates,
                           LayerChoiceOptions options = {});

  // Runs the decision on one input.
  at::Tensor forward(at::Tensor x);

  // Runs the decision on any inputs (every candidate receives them).
  template <typename... Args>
  at::Tensor call(Args&&... args) {
    return forward_with_mask(std::forward<Args>(args)...).output;
  }

  // The outputs and the mask used; with reduction kNone, `outputs` holds one
  // tensor per selected candidate.
  template <typename... Args>
  ChoiceOutput forward_with_mask(Args&&... args) {
    return dispatch([&](int64_t i) -> at::Tensor { return candidates_[i].forward(args...); });
  }

  MutableKind kind() const override { return MutableKind::kLayerChoice; }
  int64_t n_candidates() const override { return static_cast<int64_t>(names_.size()); }
  const std::vector<std::string>& names() const { return names_; }
  const LayerChoiceOptions& options() const { return options_; }

  // Candidate `i` (empty once dropped by a fixed architecture).
  const torch::nn::AnyModule& candidate(int64_t i) const { return candidates_.at(i); }

  void reset() override;
  std::shared_ptr<torch::nn::Module> clone(
      const c10::optional<torch::Device>& device = c10::nullopt) const override;
  void pretty_print(std::ostream& stream) const override;

 protected:
  void fix(const at::Tensor& mask) override;

 private:
  LayerChoiceImpl(LayerChoiceOptions options, std::vector<std::string> names,
                  std::vector<torch::nn::AnyModule> candidates);
  void register_candidates();
  ChoiceOutput dispatch(const CandidateFn& run);

  LayerChoiceOptions options_;
  std::vector<std::string> names_;
  std::vector<torch::nn::AnyModule> candidates_;
  int64_t fixed_single_ = -1;  // the only candidate of a one-hot fixed decision
};

TORCH_MODULE(LayerChoice);

}  // namespace nas

#endif  // NAS_CORE_LAYER_CHOICE_H_
