#include "algorithms/enas/macro_space.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/named_any.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "absl/strings/str_cat.h"
#include "nas/base/status.h"
#include "nas/base/torch/memory_format.h"
#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"
#include "nas/core/space_registry.h"

namespace nas::enas {
namespace {

// One layer: op on the previous output plus the chosen skips, then BN.
class MacroLayerImpl : public torch::nn::Module {
 public:
  MacroLayerImpl(int64_t index, int64_t channels) {
    std::string key = absl::StrCat("layer_", index);
    op_ = register_module("op", LayerChoice(
                                    std::vector<torch::nn::NamedAnyModule>{
                                        {"conv3x3", ConvBranch(channels, channels, 3, false)},
                                        {"sepconv3x3", ConvBranch(channels, channels, 3, true)},
                                        {"conv5x5", ConvBranch(channels, channels, 5, false)},
                                        {"sepconv5x5", ConvBranch(channels, channels, 5, true)},
                                        {"avgpool", PoolBranch("avg", channels, channels)},
                                        {"maxpool", PoolBranch("max", channels, channels)}},
                                    LayerChoiceOptions().key(key + "_op")));
    if (index > 0) {
      std::vector<std::string> sources;
      for (int64_t j = 0; j < index; ++j) sources.push_back(absl::StrCat("layer_", j));
      skip_ = register_module(
          "skip", InputChoice(InputChoiceOptions().choose_from(sources).key(key + "_skip")));
    }
    bn_ = register_module(
        "bn", torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(channels).affine(false)));
  }

  // `previous`: the last output; `earlier`: the outputs of layers 0..i-1.
  at::Tensor forward(at::Tensor previous, std::vector<at::Tensor> earlier) {
    at::Tensor out = op_(previous);
    if (skip_) {
      at::Tensor connection = skip_(std::move(earlier));
      if (connection.defined()) out = out + connection;
    }
    return bn_(out);
  }

 private:
  LayerChoice op_{nullptr};
  InputChoice skip_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(MacroLayer);

}  // namespace

absl::StatusOr<MacroSpaceOptions> MacroSpaceOptionsFromJson(const Json& j) {
  const std::string path = "enas_macro options";
  MacroSpaceOptions o;
  const Json object = j.is_null() ? Json::object() : j;
  if (!object.is_object()) return absl::InvalidArgumentError(path + ": expected a JSON object");
  if (object.contains("preset")) {
    NAS_RETURN_IF_ERROR(JsonGet(object["preset"], JsonChildPath(path, "preset"), &o.preset));
    if (o.preset == "fashion_mnist") {
      // the defaults
    } else if (o.preset == "paper") {
      o.in_channels = 3;
      o.image_size = 32;
      o.channels = 24;  // NNI's out_filters; the paper's final net uses 512
      o.layers = 12;
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
      .Optional("layers", &o.layers)
      .Optional("classes", &o.classes)
      .Optional("dropout", &o.dropout);
  NAS_RETURN_IF_ERROR(r.Finish());
  for (auto [name, value] : {std::pair<const char*, int64_t>{"in_channels", o.in_channels},
                             {"image_size", o.image_size},
                             {"layers", o.layers},
                             {"classes", o.classes}}) {
    if (value < 1)
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".", name, " must be >= 1, got ", value));
  }
  if (o.channels < 2)
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".channels must be >= 2, got ", o.channels));
  NAS_RETURN_IF_ERROR(CheckAtMost(path + ".layers", o.layers, SpaceSizeLimits::kLayers));
  NAS_RETURN_IF_ERROR(CheckAtMost(path + ".channels", o.channels, SpaceSizeLimits::kChannels));
  NAS_RETURN_IF_ERROR(CheckAtMost(path + ".image_size", o.image_size, SpaceSizeLimits::kImageSize));
  if (!(o.dropout >= 0 && o.dropout < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".dropout must be in [0, 1)"));
  }
  return o;
}

Json MacroSpaceOptionsToJson(const MacroSpaceOptions& o) {
  return {{"preset", o.preset},     {"in_channels", o.in_channels}, {"image_size", o.image_size},
          {"channels", o.channels}, {"layers", o.layers},           {"classes", o.classes},
          {"dropout", o.dropout}};
}

EnasMacroNetImpl::EnasMacroNetImpl(const MacroSpaceOptions& o) : options_(o) {
  stem_ = register_module(
      "stem",
      torch::nn::Sequential(
          torch::nn::Conv2d(
              torch::nn::Conv2dOptions(o.in_channels, o.channels, 3).padding(1).bias(false)),
          torch::nn::BatchNorm2d(o.channels)));
  // Reductions after layers N/3-1 and 2N/3-1, as the authors (none for N < 3).
  const int64_t distance = o.layers / 3;
  if (distance > 0) pool_after_ = {distance - 1, 2 * distance - 1};
  for (int64_t i = 0; i < o.layers; ++i) {
    std::string key = absl::StrCat("layer_", i);
    layers_.push_back(
        register_module(key, MutableScope(key, torch::nn::AnyModule(MacroLayer(i, o.channels)))));
  }
  for (size_t p = 0; p < pool_after_.size(); ++p) {
    pools_.push_back(
        register_module(absl::StrCat("pool", p), FactorizedReduce(o.channels, o.channels)));
  }
  fc_ = register_module("fc", torch::nn::Linear(o.channels, o.classes));
}

at::Tensor EnasMacroNetImpl::forward(at::Tensor x) {
  at::Tensor current = stem_->forward(x);
  std::vector<at::Tensor> outputs;
  for (int64_t i = 0; i < static_cast<int64_t>(layers_.size()); ++i) {
    current = layers_[i]->call<at::Tensor>(current, outputs);
    outputs.push_back(current);
    for (size_t p = 0; p < pool_after_.size(); ++p) {
      if (pool_after_[p] != i) continue;
      for (auto& out : outputs) out = pools_[p](out);
      current = outputs.back();
    }
  }
  at::Tensor features = GlobalAveragePool(current);
  if (options_.dropout > 0) features = torch::dropout(features, options_.dropout, is_training());
  return fc_(features);
}

absl::StatusOr<BuiltSpace> MakeEnasMacro(const Json& options) {
  NAS_ASSIGN_OR_RETURN(MacroSpaceOptions o, MacroSpaceOptionsFromJson(options));
  auto model = std::make_shared<EnasMacroNetImpl>(o);
  BuiltSpace built;
  built.model = model;
  built.input_shape = {o.in_channels, o.image_size, o.image_size};
  built.forward = [model](const at::Tensor& x) { return model->forward(x); };
  return built;
}

}  // namespace nas::enas

NAS_REGISTER(nas::SpaceRegistry(), "enas_macro", &nas::enas::MakeEnasMacro);
