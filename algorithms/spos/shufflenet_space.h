// "spos_shufflenet": the ShuffleNetV2 one-shot search space of Single Path
// One-Shot NAS (Guo et al., ECCV 2020, https://arxiv.org/abs/1904.00420),
// with the geometry of the authors' code (megvii-model/SinglePathOneShot)
// and the choice keys of NNI's SPOS example, so NNI's architecture files
// (bool one-hot lists, keys LayerChoice1 ... LayerChoice20) load unchanged.
//
//   image ─> first_conv: conv3x3 (stem_stride) ─ BN ─ ReLU
//         ─> features: LayerChoice1 ... LayerChoiceN, one per choice block;
//            stage s has stage_repeats[s] blocks of stage_channels[s]
//            channels, the first of them with stride 2
//         ─> head: conv1x1 to last_channels ─ BN ─ ReLU ─ global avg pool
//                  ─ dropout ─ FC (no bias) ─> logits
//
// Candidates of every block, in this order (names as in NNI's example):
//   0 "shufflenet_3x3"  ShuffleNetV2 block, depthwise 3x3
//   1 "shufflenet_5x5"  ShuffleNetV2 block, depthwise 5x5
//   2 "shufflenet_7x7"  ShuffleNetV2 block, depthwise 7x7
//   3 "xception_3x3"    three depthwise 3x3 + pointwise pairs
//
// Options (JSON, strict; a preset first, then any of the overrides):
//
// | option         | paper           | cifar10 | fashion_mnist | meaning                      |
// |----------------|-----------------|---------|---------------|------------------------------|
// | preset         | "paper"         |         |               | the defaults below           |
// | in_channels    | 3               | 3       | 1             | image channels               |
// | image_size     | 224             | 32      | 28            | input height = width         |
// | classes        | 1000            | 10      | 10            | output logits                |
// | stem_channels  | 16              | 16      | 16            | first conv's channels        |
// | stem_stride    | 2               | 1       | 1             | first conv's stride (1 or 2) |
// | stage_repeats  | [4, 4, 8, 4]    | paper   | [2, 4]        | choice blocks per stage      |
// | stage_channels | [64,160,320,640]| paper   | [48, 96]      | output channels per stage    |
// | last_channels  | 1024            | 1024    | 256           | head conv's channels         |
// | dropout        | 0.1             | 0.1     | 0.1           | before the classifier        |
// | affine         | false           | false   | false         | BN affine (true to retrain)  |
//
// cifar10 is the paper network with a stride-1 stem (32 -> 2x2 at the end,
// about 22M-32M MACs). fashion_mnist has two stages because 28 = 4 x 7
// allows only two stride-2 steps: 28 -> 14 -> 7, ending at 7x7 like the
// paper; 6 choice blocks (4^6 architectures), about 3.4M-4.8M MACs, so a
// supernet step on a laptop CPU takes a fraction of a second.
//
// Validation: stage channels even (the stride-1 blocks split them in two)
// and increasing (a stage's first block makes out - in new channels, the
// stem counting as the stage before the first), image_size divisible by the
// total stride (stem_stride * 2^stages), positive sizes, 0 <= dropout < 1.
//
// Supernet (affine = false) vs retraining (affine = true): the SPOS supernet
// uses BN without affine parameters; the found network is retrained with
// affine BN. Init (authors' code): first conv N(0, 0.01), other convs
// N(0, 1 / weight.size(1)) (std; 1 for depthwise), BN weight 1 and bias 1e-4,
// FC N(0, 0.01); deterministic under torch::manual_seed.
//
// Example:
//   nas::spos::ShuffleNetSpaceOptions options;              // "paper"
//   options.affine = true;
//   auto net = nas::spos::ShuffleNetSupernet(options);
//   nas::ApplyFixedArchitecture(*net, *nas::ReadArchitecture("arch.json"));
//   at::Tensor logits = net(torch::randn({8, 3, 224, 224}));
#ifndef ALGORITHMS_SPOS_SHUFFLENET_SPACE_H_
#define ALGORITHMS_SPOS_SHUFFLENET_SPACE_H_

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <torch/nn/cloneable.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/layer_choice.h"
#include "nas/core/search_space.h"
#include "nas/core/space_registry.h"

namespace nas::spos {

// The registered name.
inline constexpr char kShuffleNetSpaceName[] = "spos_shufflenet";

// Candidates per choice block and their names, in index order.
inline constexpr int kNumShuffleNetCandidates = 4;
const std::vector<std::string>& ShuffleNetCandidateNames();

struct ShuffleNetSpaceOptions {
  std::string preset = "paper";
  int in_channels = 3;
  int image_size = 224;
  int classes = 1000;
  int stem_channels = 16;
  int stem_stride = 2;
  std::vector<int> stage_repeats = {4, 4, 8, 4};
  std::vector<int> stage_channels = {64, 160, 320, 640};
  int last_channels = 1024;
  double dropout = 0.1;
  bool affine = false;

  bool operator==(const ShuffleNetSpaceOptions& other) const;
  bool operator!=(const ShuffleNetSpaceOptions& other) const { return !(*this == other); }
};

// The options of a preset ("paper", "cifar10", "fashion_mnist"); NotFound
// listing the presets otherwise.
absl::StatusOr<ShuffleNetSpaceOptions> ShuffleNetPreset(const std::string& name);

// InvalidArgument naming the bad option ("spos_shufflenet
// options.stage_channels[1] must be even, got 33").
absl::Status ValidateShuffleNetSpaceOptions(const ShuffleNetSpaceOptions& options);

// Strict: `preset` (if present) picks the defaults, the other members
// override them; unknown members and bad values are InvalidArgument errors
// naming the member. null = {} = the paper preset.
absl::StatusOr<ShuffleNetSpaceOptions> ShuffleNetSpaceOptionsFromJson(const Json& j);

// Every option, preset included; FromJson(ToJson(o)) == o.
Json ShuffleNetSpaceOptionsToJson(const ShuffleNetSpaceOptions& options);

// The geometry of one choice block (every candidate of it has the same).
struct BlockGeometry {
  int index = 0;             // 0-based, over all blocks in order
  std::string key;           // "LayerChoice<index + 1>"
  int stage = 0;             // 0-based
  int64_t in_channels = 0;   // entering the block
  int64_t out_channels = 0;  // leaving it
  int64_t mid_channels = 0;  // out_channels / 2
  int64_t stride = 1;        // 2 for the first block of a stage
  int64_t input_size = 0;    // input height = width

  int64_t output_size() const { return input_size / stride; }
};

// The blocks of the space, in order. `options` must be valid.
std::vector<BlockGeometry> ShuffleNetBlocks(const ShuffleNetSpaceOptions& options);

// The search space without building a model (equals nas::SearchSpaceOf of
// the supernet). `options` must be valid.
SearchSpace ShuffleNetSearchSpace(const ShuffleNetSpaceOptions& options);

// ---------------------------------------------------------------------------
// The choice block.
//
//   stride 1 (in == out):
//     x ─ channel shuffle ─┬─ even channels ───────┬─ concat ─> out
//                          └─ odd channels ─ main ─┘
//   stride 2 (in < out):
//     x ─┬─ proj: dw kxk s2 ─ BN ─ pw ─ BN ─ ReLU ─┬─ concat ─> out
//        └─ main ──────────────────────────────────┘
//
//   main, ShuffleNetV2 (k = 3, 5, 7):
//     pw -> mid ─ BN ─ ReLU ─ dw kxk (stride) ─ BN ─ pw -> out - pass ─ BN ─ ReLU
//   main, Xception (the projection then uses k = 3):
//     dw 3x3 (stride) ─ BN ─ pw -> mid ─ BN ─ ReLU ─ dw 3x3 ─ BN ─ pw -> mid ─ BN ─ ReLU
//     ─ dw 3x3 ─ BN ─ pw -> out - pass ─ BN ─ ReLU
//
// "pass" is the channels of the other concat input: in / 2 (stride 1) or in
// (stride 2, the authors' "outputs = oup - inp"). The channel shuffle is the
// authors' channel_shuffle: the even channels pass through, the odd ones
// enter the main branch. Convs have no bias.
struct ShuffleBlockOptions {
  ShuffleBlockOptions(int64_t in_channels, int64_t out_channels, int64_t stride)
      : in_channels_(in_channels), out_channels_(out_channels), stride_(stride) {}
  // The options of candidate `candidate` (0..3) of `block`.
  static ShuffleBlockOptions ForCandidate(const BlockGeometry& block, int candidate, bool affine);

  TORCH_ARG(int64_t, in_channels);
  TORCH_ARG(int64_t, out_channels);
  TORCH_ARG(int64_t, stride);
  TORCH_ARG(int64_t, mid_channels) = 0;  // 0 = out_channels / 2
  TORCH_ARG(int64_t, kernel_size) = 3;   // ShuffleNetV2 blocks: 3, 5 or 7
  TORCH_ARG(bool, xception) = false;
  TORCH_ARG(bool, affine) = false;
};

class ShuffleBlockImpl : public torch::nn::Cloneable<ShuffleBlockImpl> {
 public:
  explicit ShuffleBlockImpl(ShuffleBlockOptions options);

  at::Tensor forward(at::Tensor x);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;

  ShuffleBlockOptions options;
  torch::nn::Sequential branch_main{nullptr};
  torch::nn::Sequential branch_proj{nullptr};  // stride 2 only
};
TORCH_MODULE(ShuffleBlock);

// The authors' channel_shuffle: (even channels, odd channels), as strided
// views that keep x's memory format (channels-last stays channels-last, in
// the gradient too). The channel count must be even.
std::pair<at::Tensor, at::Tensor> ChannelShuffle(const at::Tensor& x);

// ---------------------------------------------------------------------------
// The fixed parts, as the supernet builds them (the FLOPs table counts them
// alone).

// conv3x3 (stem_stride) ─ BN ─ ReLU.
torch::nn::Sequential MakeShuffleNetStem(const ShuffleNetSpaceOptions& options);

// conv1x1 ─ BN ─ ReLU ─ global average pool ─ dropout ─ FC (no bias).
class ShuffleNetHeadImpl : public torch::nn::Module {
 public:
  explicit ShuffleNetHeadImpl(const ShuffleNetSpaceOptions& options);
  at::Tensor forward(at::Tensor x);

  torch::nn::Sequential conv_last{nullptr};
  torch::nn::Dropout dropout{nullptr};
  torch::nn::Linear classifier{nullptr};
};
TORCH_MODULE(ShuffleNetHead);

// ---------------------------------------------------------------------------
// The supernet (features.<i> is the LayerChoice keyed LayerChoice<i+1>).
// Parameter names: "first_conv.0.weight",
// "features.<i>.<candidate name>.branch_main.0.weight", "head.conv_last.0.weight",
// "head.classifier.weight". Throws c10::Error on invalid options (use
// MakeShuffleNet for a Status).
class ShuffleNetSupernetImpl : public torch::nn::Module {
 public:
  explicit ShuffleNetSupernetImpl(ShuffleNetSpaceOptions options);

  // Needs a bound mutator or a fixed architecture (LayerChoice semantics).
  at::Tensor forward(at::Tensor x);

  const ShuffleNetSpaceOptions& options() const { return options_; }
  const std::vector<BlockGeometry>& geometry() const { return geometry_; }
  // {in_channels, image_size, image_size}
  std::vector<int64_t> input_shape() const;

  torch::nn::Sequential first_conv{nullptr};
  torch::nn::ModuleList features{nullptr};
  std::vector<LayerChoice> blocks;  // the modules of `features`
  ShuffleNetHead head{nullptr};

 private:
  void initialize_weights();

  ShuffleNetSpaceOptions options_;
  std::vector<BlockGeometry> geometry_;
};
TORCH_MODULE(ShuffleNetSupernet);

// Validates `options` and builds the supernet.
absl::StatusOr<std::shared_ptr<ShuffleNetSupernetImpl>> MakeShuffleNet(
    const ShuffleNetSpaceOptions& options);

// The registered factory ("spos_shufflenet").
absl::StatusOr<BuiltSpace> MakeShuffleNetSpace(const Json& options);

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_SHUFFLENET_SPACE_H_
