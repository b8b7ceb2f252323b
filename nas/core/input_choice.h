// InputChoice: chooses which of several inputs (outputs of earlier layers)
// feed a node.
//
//   input 0 ─┐
//   input 1 ─┼─> select (decision) ─> reduce (sum | mean | concat | none)
//   input 2 ─┘   missing (undefined) inputs are skipped
//
// Example (a skip connection from one of two earlier choices):
//   skip = register_module("skip", nas::InputChoice(nas::InputChoiceOptions()
//       .choose_from({"op1", "op2"}).n_chosen(1).key("skip")));
//   ...
//   x = skip(std::vector<at::Tensor>{out1, out2});            // by position
//   x = skip->forward_by_key({{"op1", out1}, {"op2", out2}}); // by source key
//
// | option       | default | meaning                                           |
// |--------------|---------|---------------------------------------------------|
// | n_candidates | 0       | number of inputs; 0 = size of choose_from         |
// | choose_from  | {}      | source keys of earlier mutables/scopes; "" = none |
// | n_chosen     | nullopt | inputs to select; nullopt = any number            |
// | reduction    | sum     | how the selected inputs combine                   |
// | key          | ""      | decision key; "" = the module's path              |
//
// When nothing is selected the output is undefined (NNI's None).
#ifndef NAS_CORE_INPUT_CHOICE_H_
#define NAS_CORE_INPUT_CHOICE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

#include "nas/core/mutable.h"

namespace nas {

struct InputChoiceOptions {
  TORCH_ARG(int64_t, n_candidates) = 0;
  TORCH_ARG(std::vector<std::string>, choose_from) = {};
  TORCH_ARG(std::optional<int64_t>, n_chosen) = std::nullopt;
  TORCH_ARG(Reduction, reduction) = Reduction::kSum;
  TORCH_ARG(std::string, key) = "";
};

class InputChoiceImpl : public torch::nn::Cloneable<InputChoiceImpl>, public Mutable {
 public:
  explicit InputChoiceImpl(InputChoiceOptions options);

  // Inputs by position: exactly n_candidates() tensors, undefined = missing.
  at::Tensor forward(std::vector<at::Tensor> inputs);

  // Inputs by source key (choose_from); absent keys are missing inputs,
  // unknown keys an error.
  at::Tensor forward_by_key(const std::map<std::string, at::Tensor>& inputs);

  // The output(s) and the mask used (NNI's return_mask).
  ChoiceOutput forward_with_mask(std::vector<at::Tensor> inputs);

  MutableKind kind() const override { return MutableKind::kInputChoice; }
  int64_t n_candidates() const override { return options_.n_candidates(); }
  const std::vector<std::string>& choose_from() const { return options_.choose_from(); }
  const std::optional<int64_t>& n_chosen() const { return options_.n_chosen(); }
  const InputChoiceOptions& options() const { return options_; }

  void reset() override {}
  // A copy with the same options and fixed decision, bound to no mutator.
  std::shared_ptr<torch::nn::Module> clone(
      const c10::optional<torch::Device>& device = c10::nullopt) const override;
  void pretty_print(std::ostream& stream) const override;

 private:
  InputChoiceOptions options_;
};

TORCH_MODULE(InputChoice);

}  // namespace nas

#endif  // NAS_CORE_INPUT_CHOICE_H_
