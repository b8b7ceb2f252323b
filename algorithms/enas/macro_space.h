// "enas_macro": the ENAS macro search space (Pham et al., ICML 2018,
// arXiv 1802.03268, section 2.3), registered in nas::SpaceRegistry().
//
//   stem conv3x3 ─> layer_0 ─> layer_1 ─> ... ─> layer_{N-1} ─> GAP ─> fc
//                      │ FactorizedReduce of every stored output after
//                      │ layers N/3-1 and 2N/3-1 (H, W halved twice)
//   layer_i (a MutableScope, key "layer_i"):
//     op:    LayerChoice "layer_i_op" of conv3x3, sepconv3x3, conv5x5,
//            sepconv5x5, avgpool, maxpool on the previous layer's output
//     skip:  InputChoice "layer_i_skip" over layer_0..layer_{i-1} (i >= 1),
//            n_chosen unset (any subset), summed onto op's output
//     then BatchNorm (no affine)
//
// The controller attends over the anchors of the scopes layer_0..layer_{i-1}
// when it samples layer_i_skip, as in the paper.
//
// | option      | default | meaning                                        |
// |-------------|---------|------------------------------------------------|
// | preset      | ""      | "fashion_mnist" (28x28x1, 6 layers, 16 ch),    |
// |             |         | "paper" (32x32x3, 12 layers, 24 ch, NNI's)     |
// | in_channels | 1       | image channels                                 |
// | image_size  | 28      | input height = width (28 and 32 are typical)   |
// | channels    | 16      | channels of every layer                        |
// | layers      | 6       | N, >= 1                                        |
// | classes     | 10      | output logits                                  |
// | dropout     | 0       | before the classifier, in [0, 1)               |
#ifndef ALGORITHMS_ENAS_MACRO_SPACE_H_
#define ALGORITHMS_ENAS_MACRO_SPACE_H_

#include <memory>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

#include "absl/status/statusor.h"
#include "algorithms/enas/ops.h"
#include "nas/base/json.h"
#include "nas/core/mutable_scope.h"
#include "nas/core/space_registry.h"

namespace nas::enas {

struct MacroSpaceOptions {
  std::string preset;
  int64_t in_channels = 1;
  int64_t image_size = 28;
  int64_t channels = 16;
  int64_t layers = 6;
  int64_t classes = 10;
  double dropout = 0;
};

// {} = defaults; a "preset" member gives that preset's values, which the
// other members override. Strict: unknown members are errors.
absl::StatusOr<MacroSpaceOptions> MacroSpaceOptionsFromJson(const Json& j);
Json MacroSpaceOptionsToJson(const MacroSpaceOptions& options);

class EnasMacroNetImpl : public torch::nn::Module {
 public:
  explicit EnasMacroNetImpl(const MacroSpaceOptions& options);
  at::Tensor forward(at::Tensor x);
  const MacroSpaceOptions& options() const { return options_; }

 private:
  MacroSpaceOptions options_;
  torch::nn::Sequential stem_{nullptr};
  std::vector<MutableScope> layers_;
  std::vector<int64_t> pool_after_;  // layer indices followed by a reduction
  std::vector<FactorizedReduce> pools_;
  torch::nn::Linear fc_{nullptr};
};
TORCH_MODULE(EnasMacroNet);

// The model and how to call it (registered as "enas_macro").
absl::StatusOr<BuiltSpace> MakeEnasMacro(const Json& options);

}  // namespace nas::enas

#endif  // ALGORITHMS_ENAS_MACRO_SPACE_H_
