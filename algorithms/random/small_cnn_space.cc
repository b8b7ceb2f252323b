#include "algorithms/random/small_cnn_space.h"

#include <algorithm>
#include <set>

#include <torch/nn/cloneable.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/named_any.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/nn/pimpl.h>

#include "absl/strings/str_join.h"
#include "nas/base/status.h"
#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"
#include "nas/core/space_registry.h"

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
      layers->push_back(
          torch::nn::Conv2d(Conv2dOptions(c, c, k).padding(k / 2).groups(c).bias(false)));
    }
    layers->push_back(torch::nn::Conv2d(
        Conv2dOptions(c, c, separable ? 1 : k).padding(separable ? 0 : k / 2).bias(false)));
    layers->push_back(torch::nn::BatchNorm2d(c));
  }
  at::Tensor forward(at::Tensor x) { return layers->forward(torch::relu(x)); }
  int64_t c, k;
  bool separable;
  torch::nn::Sequential layers{nullptr};
};
TORCH_MODULE(ConvBn);

const std::vector<std::string>& KnownOps() {
  static const auto* ops =
      new std::vector<std::string>{"conv3x3", "conv5x5", "sepconv3x3", "maxpool3x3", "identity"};
  return *ops;
}

AnyModule MakeOp(const std::string& op, int64_t channels) {
  if (op == "conv3x3") return AnyModule(ConvBn(channels, 3, false));
  if (op == "conv5x5") return AnyModule(ConvBn(channels, 5, false));
  if (op == "sepconv3x3") return AnyModule(ConvBn(channels, 3, true));
  if (op == "maxpool3x3")
    return AnyModule(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(1).padding(1)));
  return AnyModule(torch::nn::Identity());
}

struct SmallCnnImpl : torch::nn::Module {
  explicit SmallCnnImpl(const SmallCnnOptions& o) {
    stem = register_module(
        "stem",
        torch::nn::Sequential(
            torch::nn::Conv2d(Conv2dOptions(o.in_channels, o.channels, 3).padding(1).bias(false)),
            torch::nn::BatchNorm2d(o.channels)));
    for (int i = 0; i < o.layers; ++i) {
      std::string key = "op" + std::to_string(i);
      std::vector<torch::nn::NamedAnyModule> candidates;
      for (const std::string& op : o.ops) candidates.emplace_back(op, MakeOp(op, o.channels));
      ops.push_back(
          register_module(key, LayerChoice(std::move(candidates), LayerChoiceOptions().key(key))));
      if (i > 0) {
        std::vector<std::string> sources;
        for (int j = 0; j < i; ++j) sources.push_back("op" + std::to_string(j));
        skips.push_back(register_module("skip" + std::to_string(i),
                                        InputChoice(InputChoiceOptions().choose_from(sources).key(
                                            "skip" + std::to_string(i)))));
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
      .Optional("classes", &o.classes)
      .Optional("ops", &o.ops);
  NAS_RETURN_IF_ERROR(r.Finish());
  for (auto [name, value] : {std::pair<const char*, int>{"in_channels", o.in_channels},
                             {"image_size", o.image_size},
                             {"channels", o.channels},
                             {"layers", o.layers},
                             {"classes", o.classes}}) {
    if (value < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("small_cnn options.", name, " must be >= 1, got ", value));
    }
  }
  // A bound that keeps a typo (20000) from building a model of gigabytes.
  if (o.layers > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("small_cnn options.layers must be <= 64, got ", o.layers));
  }
  NAS_RETURN_IF_ERROR(
      CheckAtMost("small_cnn options.channels", o.channels, SpaceSizeLimits::kChannels));
  NAS_RETURN_IF_ERROR(
      CheckAtMost("small_cnn options.image_size", o.image_size, SpaceSizeLimits::kImageSize));
  if (o.ops.empty())
    return absl::InvalidArgumentError("small_cnn options.ops must name at least one operation");
  std::set<std::string> seen;
  for (const std::string& op : o.ops) {
    if (std::find(KnownOps().begin(), KnownOps().end(), op) == KnownOps().end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("small_cnn options.ops: unknown operation '", op,
                       "'; known: ", absl::StrJoin(KnownOps(), ", ")));
    }
    if (!seen.insert(op).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("small_cnn options.ops: '", op, "' appears twice"));
    }
  }
  return o;
}

Json SmallCnnOptionsToJson(const SmallCnnOptions& o) {
  return {{"in_channels", o.in_channels}, {"image_size", o.image_size}, {"channels", o.channels},
          {"layers", o.layers},           {"classes", o.classes},       {"ops", o.ops}};
}

absl::StatusOr<BuiltSpace> MakeSmallCnn(const Json& options) {
  NAS_ASSIGN_OR_RETURN(SmallCnnOptions o, SmallCnnOptionsFromJson(options));
  auto model = std::make_shared<SmallCnnImpl>(o);
  BuiltSpace built;
  built.model = model;
  built.input_shape = {o.in_channels, o.image_size, o.image_size};
  built.forward = [model](const at::Tensor& x) { return model->forward(x); };
  built.classes = o.classes;
  return built;
}

}  // namespace nas::random

NAS_REGISTER(nas::SpaceRegistry(), "small_cnn", &nas::random::MakeSmallCnn);
