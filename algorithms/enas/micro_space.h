// "enas_micro": the ENAS micro (cell) search space (Pham et al., ICML 2018,
// arXiv 1802.03268, section 2.4), registered in nas::SpaceRegistry().
//
//   stem ─> [N normal cells] ─> reduction cell ─> [N normal] ─> reduction
//        ─> [N normal] ─> ReLU ─> GAP ─> fc
//
//   cell(h_{-2}, h_{-1}): both inputs calibrated to C channels (a
//   reduction cell first halves them with FactorizedReduce), then nodes
//   0..B-1, each a MutableScope "<type>_node_<i>":
//     x = op_x(input_x) + op_y(input_y)
//     input_x: InputChoice "<type>_node_<i>_x_input", n_chosen = 1, over
//              the two cell inputs ("" keys) and nodes 0..i-1
//     op_x:    LayerChoice "<type>_node_<i>_x_op" of sepconv3x3,
//              sepconv5x5, avgpool3x3, maxpool3x3, identity (same for y)
//   output: the nodes no other node consumed, concatenated, ReLU, conv1x1
//   (its weight sliced to the unused nodes, as the authors), BN.
//
// <type> is "normal" or "reduce": every cell of a type shares its keys, so
// the controller samples one normal and one reduction cell. Channels double
// at each reduction.
//
// | option         | default | meaning                                     |
// |----------------|---------|---------------------------------------------|
// | preset         | ""      | "fashion_mnist" (28x28x1, N 1, B 5, 8 ch),  |
// |                |         | "paper" (32x32x3, N 5 (15 cells), B 5, 20 ch)|
// | in_channels    | 1       | image channels                              |
// | image_size     | 28      | input height = width                        |
// | channels       | 8       | C of the first stage                        |
// | cells_per_stage| 1       | N normal cells per stage, >= 1              |
// | nodes          | 5       | B nodes per cell, >= 1                      |
// | classes        | 10      | output logits                               |
// | dropout        | 0       | before the classifier, in [0, 1)            |
#ifndef ALGORITHMS_ENAS_MICRO_SPACE_H_
#define ALGORITHMS_ENAS_MICRO_SPACE_H_

#include <memory>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/space_registry.h"

namespace nas::enas {

struct MicroSpaceOptions {
  std::string preset;
  int64_t in_channels = 1;
  int64_t image_size = 28;
  int64_t channels = 8;
  int64_t cells_per_stage = 1;
  int64_t nodes = 5;
  int64_t classes = 10;
  double dropout = 0;
};

absl::StatusOr<MicroSpaceOptions> MicroSpaceOptionsFromJson(const Json& j);
Json MicroSpaceOptionsToJson(const MicroSpaceOptions& options);

class EnasMicroNetImpl : public torch::nn::Module {
 public:
  explicit EnasMicroNetImpl(const MicroSpaceOptions& options);
  at::Tensor forward(at::Tensor x);
  const MicroSpaceOptions& options() const { return options_; }

 private:
  MicroSpaceOptions options_;
  torch::nn::Sequential stem_{nullptr};
  std::vector<torch::nn::AnyModule> cells_;  // (h_{-2}, h_{-1}) -> h
  torch::nn::Linear fc_{nullptr};
};
TORCH_MODULE(EnasMicroNet);

// The model and how to call it (registered as "enas_micro").
absl::StatusOr<BuiltSpace> MakeEnasMicro(const Json& options);

}  // namespace nas::enas

#endif  // ALGORITHMS_ENAS_MICRO_SPACE_H_
