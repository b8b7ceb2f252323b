#include "algorithms/random/small_cnn.h"

#include <torch/torch.h>

#include "nas/base/status.h"
#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"

namespace nas::random {
namespace {

using torch::nn::AnyModule;
using torch::nn::Conv2dOptions;

// ReLU-conv-BN, the usual NAS op.
struct ConvBnImpl : torch::nn::Cloneable<ConvBnImpl> {
  ConvBnImpl(int64_t c, int64_t k, bool separable) : c(c), k(k), separable(separable) { reset(); }
  void reset() override {
    layers = register_module("layers", torch::nn::Sequential());
    if (separable) {
      layers->push_back(torch::nn::Conv2d(Conv2dOptions(c, c, k).padding(k / 2).groups(c).bias(false)));
    }
    layers->push_back(torch::nn::Conv2d(Conv2dOptions(c, c, separable ? 1 : k).padding(separable ? 0 : k / 2).bias(false)));
    layers->push_back(torch::nn::BatchNorm2d(c));
  }
  at::Tensor forward(at::Tensor x) { return layers->forward(torch::relu(x)); }
  int64_t c, k;
  bool separable;
  torch::nn::Sequential layers{nullptr};
};
TORCH_MODULE(ConvBn);

struct SmallCnnImpl : torch::nn::Module {
  explicit SmallCnnImpl(const SmallCnnOptions& o) {
    stem = register_module("stem", torch::nn::Sequential(
        torch::nn::Conv2d(Conv2dOptions(o.in_channels, o.channels, 3).padding(1).bias(false)),
        torch::nn::BatchNorm2d(o.channels)));
    for (int i = 0; i < o.layers; ++i) {
      std::string key = "op" + std::to_string(i);
      ops.push_back(register_module(key, LayerChoice(std::vector<torch::nn::NamedAnyModule>{
          {"conv3x3", ConvBn(o.channels, 3, false)},
          {"conv5x5", ConvBn(o.channels, 5, false)},
          {"sepconv3x3", ConvBn(o.channels, 3, true)},
          {"maxpool3x3", torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(1).padding(1))},
          {"identity", torch::nn::Identity()}}, LayerChoiceOptions().key(key))));
      if (i > 0) {
        std::vector<std::string> sources;
        for (int j = 0; j < i; ++j) sources.push_back("op" + std::to_string(j));
        skips.push_back(register_module("skip" + std::to_string(i), InputChoice(
            InputChoiceOptions().choose_from(sources).key("skip" + std::to_string(i)))));
      }
    }
    fc = register_module("fc", torch::nn::Linear(o.channels, o.classes));
  }

  at::Tensor forward(at::Tensor x) {
    x = stem->forward(x);
    std::vector<at::Tensor> outputs;
    for (size_t i = 0; i < ops.size(); ++i) {
      at::Tensor y = ops[i](x);
      if (i > 0) {
        at::Tensor skip = skips[i - 1](std::vector<at::Tensor>(outputs.begin(), outputs.end()));
        if (skip.defined()) y = y + skip;
      }
      outputs.push_back(y);
      x = y;
    }
    return fc(torch::adaptive_avg_pool2d(torch::relu(x), {1, 1}).flatten(1));
  }

  torch::nn::Sequential stem{nullptr};
  std::vector<LayerChoice> ops;
  std::vector<InputChoice> skips;
  torch::nn::Linear fc{nullptr};
};

}  // namespace

absl::StatusOr<SmallCnnOptions> SmallCnnOptionsFromJson(const Json& j) {
  SmallCnnOptions o;
  JsonObjectReader r(j.is_null() ? Json::object() : j, "small_cnn options");
  r.Optional("in_channels", &o.in_channels)
      .Optional("image_size", &o.image_size)
      .Optional("channels", &o.channels)
      .Optional("layers", &o.layers)
      .Optional("classes", &o.classes);
  NAS_RETURN_IF_ERROR(r.Finish());
  for (auto [name, value] : {std::pair<const char*, int>{"in_channels", o.in_channels},
                             {"image_size", o.image_size}, {"channels", o.channels},
                             {"layers", o.layers}, {"classes", o.classes}}) {
    if (value < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("small_cnn options.", name, " must be >= 1, got ", value));
    }
  }
  return o;
}

absl::StatusOr<BuiltSpace> MakeSmallCnn(const Json& options) {
  NAS_ASSIGN_OR_RETURN(SmallCnnOptions o, SmallCnnOptionsFromJson(options));
  auto model = std::make_shared<SmallCnnImpl>(o);
  BuiltSpace built;
  built.model = model;
  built.input_shape = {o.in_channels, o.image_size, o.image_size};
  built.forward = [model](const at::Tensor& x) { return model->forward(x); };
  return built;
}

}  // namespace nas::random

NAS_REGISTER(nas::SpaceRegistry(), "small_cnn", &nas::random::MakeSmallCnn);
