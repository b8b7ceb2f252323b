// "darts_cell": the cell search space of DARTS (Liu et al., ICLR 2019,
// https://arxiv.org/abs/1806.09055), as a search network and as the
// evaluation network a found cell is retrained in.
//
// A cell (normal: stride 1; reduction: stride 2, twice the channels):
//
//   s0 = preprocess0(prev_prev)   ReLU-conv1x1-BN, or a factorized reduce
//   s1 = preprocess1(prev)          after a reduction cell
//   node i (i = 2 .. 1 + nodes):
//     edge j -> i, for every earlier state j:  LayerChoice over the 8 ops
//         key "<type>_n<i>_p<j>"   (type = normal | reduce; j < 2 strides 2
//                                   in a reduction cell)
//     node i = sum of the edges picked by InputChoice "<type>_n<i>_switch"
//              (choose_from = its edges, n_chosen = 2)
//   output = concat(node 2 .. node 1 + nodes)  -> nodes x C channels
//
// All cells of a type share their keys, hence one set of architecture
// weights and one decision (reference/nni_semantics.md); the keys are NNI's,
// so NNI DARTS architecture files load. While searching, every edge mixes
// its ops (DartsMutator's softmax weights) and the switch keeps every edge;
// an exported architecture keeps two edges per node with one op each, and
// the edges not kept compute nothing.
//
// Network:  image ─> stem: conv3x3 to stem_multiplier x C ─ BN
//             ─> cells 0 .. layers-1 (reduction at layers/3 and 2*layers/3)
//             ─> global avg pool ─> linear ─> logits
//           auxiliary head (evaluation network, training only) after the
//           second reduction cell: ReLU ─ avgpool 5 ─ conv1x1 128 ─ BN ─ ReLU
//             ─ conv2x2 768 ─ BN ─ ReLU ─ linear; drop-path on every kept
//           edge but identities (probability set by the trainer).
//
// | option          | search_cifar10 | eval_cifar10 | *_fashion_mnist      |
// |-----------------|----------------|--------------|----------------------|
// | in_channels     | 3              | 3            | 1                    |
// | image_size      | 32             | 32           | 28                   |
// | classes         | 10             | 10           | 10                   |
// | channels (C)    | 16             | 36           | search 8, eval 16    |
// | layers          | 8              | 20           | search 5, eval 8     |
// | nodes           | 4              | 4            | 4                    |
// | stem_multiplier | 3              | 3            | 3                    |
// | affine          | false          | true         | like cifar10         |
// | pool_bn         | true           | false        | like cifar10         |
// | auxiliary       | false          | true         | like cifar10         |
// | partial_channels| 1              | 1            | 1                    |
//
// partial_channels = K > 1: PC-DARTS's partial channel connections (Xu et
// al., ICLR 2020, https://arxiv.org/abs/1907.05737), the fast search mode.
// An edge mixes its ops on the first C/K channels of its input only (ops
// built with C/K channels: about K times less work and memory in the mixed
// operations); the other channels bypass it (max-pooled 2x2 on a stride-2
// edge), and the two parts are concatenated and channel-shuffled in K
// groups. C must be a multiple of 2K (a stride-2 skip_connect halves C/K).
// PC-DARTS's second part, edge normalisation, is not built.
//
// Example:
//   auto net = nas::darts::DartsNetwork(*nas::darts::DartsNetworkPreset("eval_cifar10"));
//   nas::ApplyFixedArchitecture(*net, *nas::ReadArchitecture("architecture.json"));
//   auto [logits, aux] = net->forward_with_aux(images);
#ifndef ALGORITHMS_DARTS_DARTS_SPACE_H_
#define ALGORITHMS_DARTS_DARTS_SPACE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <torch/nn/cloneable.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "absl/status/statusor.h"
#include "algorithms/darts/darts_ops.h"
#include "nas/base/json.h"
#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"
#include "nas/core/space_registry.h"

namespace nas::darts {

inline constexpr char kDartsSpaceName[] = "darts_cell";

struct DartsNetworkOptions {
  std::string preset = "search_cifar10";
  int64_t in_channels = 3;
  int64_t image_size = 32;
  int64_t classes = 10;
  int64_t channels = 16;
  int64_t layers = 8;
  int64_t nodes = 4;
  int64_t stem_multiplier = 3;
  bool affine = false;
  bool pool_bn = true;
  bool auxiliary = false;
  int64_t partial_channels = 1;

  bool operator==(const DartsNetworkOptions& other) const;
  bool operator!=(const DartsNetworkOptions& other) const { return !(*this == other); }
};

// "search_cifar10", "eval_cifar10", "search_fashion_mnist",
// "eval_fashion_mnist"; NotFound listing them otherwise.
absl::StatusOr<DartsNetworkOptions> DartsNetworkPreset(const std::string& name);
const std::vector<std::string>& DartsNetworkPresetNames();

// Strict: `preset` first, then overrides; errors name the member. `path`
// prefixes messages.
absl::StatusOr<DartsNetworkOptions> DartsNetworkOptionsFromJson(const Json& j,
                                                                const std::string& path = "$");
Json DartsNetworkOptionsToJson(const DartsNetworkOptions& options);
absl::Status ValidateDartsNetworkOptions(const DartsNetworkOptions& options,
                                         const std::string& path = "$");

// The keys of a cell type ("normal" / "reduce").
std::string EdgeKey(const std::string& cell_type, int64_t node, int64_t input);
std::string SwitchKey(const std::string& cell_type, int64_t node);
inline constexpr char kNormal[] = "normal";
inline constexpr char kReduce[] = "reduce";

class DartsCellImpl : public torch::nn::Cloneable<DartsCellImpl> {
 public:
  DartsCellImpl(int64_t nodes, int64_t prev_prev_channels, int64_t prev_channels, int64_t channels,
                bool reduction, bool reduction_prev, bool affine, bool pool_bn,
                int64_t partial_channels = 1);
  void reset() override;

  at::Tensor forward(const at::Tensor& s0, const at::Tensor& s1, double drop_prob);

  bool reduction() const { return reduction_; }
  int64_t out_channels() const { return nodes_ * channels_; }

 private:
  // One edge's output: its mixed operation, on a 1 / partial_channels share
  // of the channels when partial_channels > 1 (see above).
  at::Tensor edge_forward(LayerChoice& edge, const at::Tensor& x, int64_t stride);

  int64_t nodes_, prev_prev_channels_, prev_channels_, channels_;
  bool reduction_, reduction_prev_, affine_, pool_bn_;
  int64_t partial_channels_;
  torch::nn::AnyModule preprocess0_, preprocess1_;
  // edges_[node][input], switches_[node]
  std::vector<std::vector<LayerChoice>> edges_;
  std::vector<InputChoice> switches_;
};
TORCH_MODULE(DartsCell);

class AuxiliaryHeadImpl : public torch::nn::Cloneable<AuxiliaryHeadImpl> {
 public:
  AuxiliaryHeadImpl(int64_t channels, int64_t input_size, int64_t classes);
  void reset() override;
  at::Tensor forward(at::Tensor x);

 private:
  int64_t channels_, input_size_, classes_;
  torch::nn::Sequential features_{nullptr};
  torch::nn::Linear classifier_{nullptr};
};
TORCH_MODULE(AuxiliaryHead);

class DartsNetworkImpl : public torch::nn::Cloneable<DartsNetworkImpl> {
 public:
  explicit DartsNetworkImpl(DartsNetworkOptions options);
  void reset() override;

  at::Tensor forward(const at::Tensor& x) { return forward_with_aux(x).first; }
  // Logits, and the auxiliary head's logits (undefined unless the network
  // has one and is training).
  std::pair<at::Tensor, at::Tensor> forward_with_aux(const at::Tensor& x);

  // Drop-path probability of the kept non-identity edges (0 = off).
  void set_drop_path_prob(double p) { drop_path_prob_ = p; }
  double drop_path_prob() const { return drop_path_prob_; }

  const DartsNetworkOptions& options() const { return options_; }
  std::vector<int64_t> input_shape() const {
    return {options_.in_channels, options_.image_size, options_.image_size};
  }
  // Parameters without the auxiliary head (the number papers report).
  int64_t parameter_count() const;

 private:
  DartsNetworkOptions options_;
  double drop_path_prob_ = 0;
  torch::nn::Sequential stem_{nullptr};
  torch::nn::ModuleList cells_{nullptr};
  std::vector<DartsCell> cell_list_;
  int64_t aux_after_ = -1;  // cell index the auxiliary head reads
  AuxiliaryHead auxiliary_{nullptr};
  torch::nn::Linear classifier_{nullptr};
};
TORCH_MODULE(DartsNetwork);

// The network of `options` (validated), initialised under the global torch
// seed.
absl::StatusOr<DartsNetwork> MakeDartsNetwork(const DartsNetworkOptions& options);

// `network` as the registered "darts_cell" factory returns it (model, input
// shape, forward, classes), for the jobs and trainers that take a space.
BuiltSpace DartsBuiltSpace(const DartsNetwork& network);

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_DARTS_SPACE_H_
