#include "algorithms/enas/micro_space.h"

#include <torch/nn/init.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/named_any.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "absl/strings/str_cat.h"
#include "algorithms/enas/ops.h"
#include "nas/base/status.h"
#include "nas/base/torch/memory_format.h"
#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"
#include "nas/core/mutable_scope.h"
#include "nas/core/space_registry.h"

namespace nas::enas {
namespace {

LayerChoice MicroOp(int64_t channels, const std::string& key) {
  return LayerChoice(
      std::vector<torch::nn::NamedAnyModule>{{"sepconv3x3", SepConvBN(channels, 3)},
                                             {"sepconv5x5", SepConvBN(channels, 5)},
                                             {"avgpool3x3", PoolBranch("avg", 0, channels)},
                                             {"maxpool3x3", PoolBranch("max", 0, channels)},
                                             {"identity", torch::nn::Identity()}},
      LayerChoiceOptions().key(key));
}

// One node: two (input, op) pairs, summed. Returns the output and which of
// the previous nodes it read.
class MicroNodeImpl : public torch::nn::Module {
 public:
  MicroNodeImpl(const std::string& key, int64_t index, int64_t channels) {
    std::vector<std::string> sources = {"", ""};  // the cell's two inputs
    for (int64_t j = 0; j < index; ++j)
      sources.push_back(absl::StrCat(key.substr(0, key.rfind('_') + 1), j));
    x_input_ = register_module(
        "x_input",
        InputChoice(InputChoiceOptions().choose_from(sources).n_chosen(1).key(key + "_x_input")));
    x_op_ = register_module("x_op", MicroOp(channels, key + "_x_op"));
    y_input_ = register_module(
        "y_input",
        InputChoice(InputChoiceOptions().choose_from(sources).n_chosen(1).key(key + "_y_input")));
    y_op_ = register_module("y_op", MicroOp(channels, key + "_y_op"));
  }

  std::tuple<at::Tensor, at::Tensor> forward(std::vector<at::Tensor> previous) {
    ChoiceOutput x = x_input_->forward_with_mask(previous);
    ChoiceOutput y = y_input_->forward_with_mask(previous);
    at::Tensor out = x_op_(x.output) + y_op_(y.output);
    at::Tensor used = x.mask.to(at::kBool).logical_or(y.mask.to(at::kBool));
    return {out, used};
  }

 private:
  InputChoice x_input_{nullptr}, y_input_{nullptr};
  LayerChoice x_op_{nullptr}, y_op_{nullptr};
};
TORCH_MODULE(MicroNode);

class MicroCellImpl : public torch::nn::Module {
 public:
  // `reduce_pprev`: h_{-2} has twice the resolution of h_{-1} (the cell
  // before was a reduction), so it is reduced instead of calibrated.
  MicroCellImpl(bool reduction, bool reduce_pprev, int64_t c_pp, int64_t c_p, int64_t c,
                int64_t nodes)
      : channels_(c), nodes_(nodes) {
    if (reduction || reduce_pprev) {
      pre0_ = torch::nn::AnyModule(FactorizedReduce(c_pp, c));
    } else {
      pre0_ = torch::nn::AnyModule(StdConv(c_pp, c));
    }
    pre1_ = reduction ? torch::nn::AnyModule(FactorizedReduce(c_p, c))
                      : torch::nn::AnyModule(StdConv(c_p, c));
    register_module("pre0", pre0_.ptr());
    register_module("pre1", pre1_.ptr());
    const std::string type = reduction ? "reduce" : "normal";
    for (int64_t i = 0; i < nodes; ++i) {
      std::string key = absl::StrCat(type, "_node_", i);
      nodes_list_.push_back(
          register_module(key, MutableScope(key, torch::nn::AnyModule(MicroNode(key, i, c)))));
    }
    final_conv_w_ = register_parameter("final_conv_w", torch::empty({c, (nodes + 2) * c, 1, 1}));
    torch::nn::init::kaiming_uniform_(final_conv_w_, std::sqrt(5.0));
    bn_ = register_module("bn",
                          torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(c).affine(false)));
  }

  at::Tensor forward(at::Tensor pprev, at::Tensor prev) {
    std::vector<at::Tensor> outputs = {pre0_.forward(pprev), pre1_.forward(prev)};
    std::vector<bool> used(nodes_ + 2, false);
    for (auto& node : nodes_list_) {
      auto [out, mask] = node->call<std::tuple<at::Tensor, at::Tensor>>(outputs);
      at::Tensor m = mask.cpu();
      for (int64_t j = 0; j < m.size(0); ++j) used[j] = used[j] || m[j].item<bool>();
      outputs.push_back(out);
    }
    std::vector<at::Tensor> unused, weights;
    for (int64_t j = 0; j < nodes_ + 2; ++j) {
      if (used[j]) continue;
      unused.push_back(outputs[j]);
      weights.push_back(final_conv_w_.slice(1, j * channels_, (j + 1) * channels_));
    }
    return bn_(at::conv2d(at::relu(at::cat(unused, 1)), at::cat(weights, 1)));
  }

 private:
  int64_t channels_, nodes_;
  torch::nn::AnyModule pre0_, pre1_;
  std::vector<MutableScope> nodes_list_;
  at::Tensor final_conv_w_;
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(MicroCell);

}  // namespace

absl::StatusOr<MicroSpaceOptions> MicroSpaceOptionsFromJson(const Json& j) {
  const std::string path = "enas_micro options";
  MicroSpaceOptions o;
  const Json object = j.is_null() ? Json::object() : j;
  if (!object.is_object()) return absl::InvalidArgumentError(path + ": expected a JSON object");
  if (object.contains("preset")) {
    NAS_RETURN_IF_ERROR(JsonGet(object["preset"], JsonChildPath(path, "preset"), &o.preset));
    if (o.preset == "fashion_mnist") {
      // the defaults
    } else if (o.preset == "paper") {
      o.in_channels = 3;
      o.image_size = 32;
      o.channels = 20;
      o.cells_per_stage = 5;
    } else if (!o.preset.empty()) {
      return absl::NotFoundError(absl::StrCat(path, ".preset: unknown preset '", o.preset,
                                              "'; presets: fashion_mnist, paper"));
    }
  }
  JsonObjectReader r(object, path);
  r.Optional("preset", &o.preset)
      .Optional("in_channels", &o.in_channels)
      .Optional("image_size", &o.image_size)
      .Optional("channels", &o.channels)
      .Optional("cells_per_stage", &o.cells_per_stage)
      .Optional("nodes", &o.nodes)
      .Optional("classes", &o.classes)
      .Optional("dropout", &o.dropout);
  NAS_RETURN_IF_ERROR(r.Finish());
  for (auto [name, value] : {std::pair<const char*, int64_t>{"in_channels", o.in_channels},
                             {"image_size", o.image_size},
                             {"nodes", o.nodes},
                             {"classes", o.classes}}) {
    if (value < 1)
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".", name, " must be >= 1, got ", value));
  }
  if (o.channels < 2)
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".channels must be >= 2, got ", o.channels));
  if (o.cells_per_stage < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".cells_per_stage must be >= 1, got ", o.cells_per_stage));
  }
  NAS_RETURN_IF_ERROR(
      CheckAtMost(path + ".cells_per_stage", o.cells_per_stage, SpaceSizeLimits::kLayers));
  NAS_RETURN_IF_ERROR(CheckAtMost(path + ".nodes", o.nodes, SpaceSizeLimits::kNodes));
  NAS_RETURN_IF_ERROR(CheckAtMost(path + ".channels", o.channels, SpaceSizeLimits::kChannels));
  NAS_RETURN_IF_ERROR(CheckAtMost(path + ".image_size", o.image_size, SpaceSizeLimits::kImageSize));
  if (!(o.dropout >= 0 && o.dropout < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".dropout must be in [0, 1)"));
  }
  return o;
}

Json MicroSpaceOptionsToJson(const MicroSpaceOptions& o) {
  return {{"preset", o.preset},
          {"in_channels", o.in_channels},
          {"image_size", o.image_size},
          {"channels", o.channels},
          {"cells_per_stage", o.cells_per_stage},
          {"nodes", o.nodes},
          {"classes", o.classes},
          {"dropout", o.dropout}};
}

EnasMicroNetImpl::EnasMicroNetImpl(const MicroSpaceOptions& o) : options_(o) {
  const int64_t stem_channels = 3 * o.channels;
  stem_ = register_module(
      "stem",
      torch::nn::Sequential(
          torch::nn::Conv2d(
              torch::nn::Conv2dOptions(o.in_channels, stem_channels, 3).padding(1).bias(false)),
          torch::nn::BatchNorm2d(stem_channels)));
  int64_t c_pp = stem_channels, c_p = stem_channels, c = o.channels;
  bool previous_reduced = false;
  int64_t index = 0;
  auto add = [&](bool reduction) {
    if (reduction) c *= 2;
    MicroCell cell(reduction, previous_reduced, c_pp, c_p, c, o.nodes);
    cells_.push_back(torch::nn::AnyModule(register_module(absl::StrCat("cell", index++), cell)));
    c_pp = c_p;
    c_p = c;
    previous_reduced = reduction;
  };
  for (int stage = 0; stage < 3; ++stage) {
    if (stage > 0) add(/*reduction=*/true);
    for (int64_t i = 0; i < o.cells_per_stage; ++i) add(/*reduction=*/false);
  }
  fc_ = register_module("fc", torch::nn::Linear(c_p, o.classes));
}

at::Tensor EnasMicroNetImpl::forward(at::Tensor x) {
  at::Tensor pprev = stem_->forward(x);
  at::Tensor prev = pprev;
  for (auto& cell : cells_) {
    at::Tensor next = cell.forward(pprev, prev);
    pprev = prev;
    prev = next;
  }
  at::Tensor features = GlobalAveragePool(at::relu(prev));
  if (options_.dropout > 0) features = torch::dropout(features, options_.dropout, is_training());
  return fc_(features);
}

absl::StatusOr<BuiltSpace> MakeEnasMicro(const Json& options) {
  NAS_ASSIGN_OR_RETURN(MicroSpaceOptions o, MicroSpaceOptionsFromJson(options));
  auto model = std::make_shared<EnasMicroNetImpl>(o);
  BuiltSpace built;
  built.model = model;
  built.input_shape = {o.in_channels, o.image_size, o.image_size};
  built.forward = [model](const at::Tensor& x) { return model->forward(x); };
  return built;
}

}  // namespace nas::enas

NAS_REGISTER(nas::SpaceRegistry(), "enas_micro", &nas::enas::MakeEnasMicro);
