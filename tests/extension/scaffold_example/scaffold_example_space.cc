#include "tests/extension/scaffold_example/scaffold_example_space.h"

#include <torch/nn/cloneable.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/named_any.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/nn/pimpl.h>

#include "nas/base/status.h"
#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"

namespace nas::scaffold_example {
namespace {

using torch::nn::Conv2dOptions;

struct Options {
  int in_channels = 1;
  int image_size = 28;
  int channels = 16;
  int layers = 2;
  int classes = 10;
};

// ReLU-conv-BN. (A Sequential cannot be a LayerChoice candidate: its
// forward is a template.)
struct ConvBnImpl : torch::nn::Cloneable<ConvBnImpl> {
  ConvBnImpl(int64_t c, int64_t k) : c(c), k(k) { reset(); }
  void reset() override {
    conv = register_module("conv",
                           torch::nn::Conv2d(Conv2dOptions(c, c, k).padding(k / 2).bias(false)));
    bn = register_module("bn", torch::nn::BatchNorm2d(c));
  }
  at::Tensor forward(at::Tensor x) { return bn(conv(torch::relu(x))); }
  int64_t c, k;
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};
TORCH_MODULE(ConvBn);

struct ScaffoldExampleNetImpl : torch::nn::Module {
  explicit ScaffoldExampleNetImpl(const Options& o) {
    stem = register_module(
        "stem", torch::nn::Conv2d(Conv2dOptions(o.in_channels, o.channels, 3).padding(1)));
    for (int i = 0; i < o.layers; ++i) {
      // Explicit keys: architecture files stay readable ("op0", "skip1").
      std::string key = "op" + std::to_string(i);
      ops.push_back(register_module(
          key, LayerChoice(
                   std::vector<torch::nn::NamedAnyModule>{
                       {"conv3x3", ConvBn(o.channels, 3)},
                       {"conv5x5", ConvBn(o.channels, 5)},
                       {"maxpool3x3",
                        torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(1).padding(1))}},
                   LayerChoiceOptions().key(key))));
      if (i > 0) {
        std::vector<std::string> sources;
        for (int j = 0; j < i; ++j) sources.push_back("op" + std::to_string(j));
        sources.push_back("");  // "no skip": an input that is always missing
        std::string skip = "skip" + std::to_string(i);
        skips.push_back(register_module(
            skip, InputChoice(InputChoiceOptions().choose_from(sources).n_chosen(1).key(skip))));
      }
    }
    fc = register_module("fc", torch::nn::Linear(o.channels, o.classes));
  }

  at::Tensor forward(at::Tensor x) {
    x = stem(x);
    std::vector<at::Tensor> outputs;
    for (size_t i = 0; i < ops.size(); ++i) {
      at::Tensor y = ops[i](x);
      if (i > 0) {
        std::vector<at::Tensor> inputs = outputs;
        inputs.push_back(at::Tensor());  // the "no skip" input is missing
        at::Tensor skip = skips[i - 1](inputs);
        if (skip.defined()) y = y + skip;
      }
      outputs.push_back(y);
      x = y;
    }
    return fc(torch::adaptive_avg_pool2d(torch::relu(x), {1, 1}).flatten(1));
  }

  torch::nn::Conv2d stem{nullptr};
  std::vector<LayerChoice> ops;
  std::vector<InputChoice> skips;
  torch::nn::Linear fc{nullptr};
};

absl::StatusOr<Options> OptionsFromJson(const Json& j) {
  Options o;
  JsonObjectReader r(j.is_null() ? Json::object() : j, "scaffold_example_net options");
  r.Optional("in_channels", &o.in_channels)
      .Optional("image_size", &o.image_size)
      .Optional("channels", &o.channels)
      .Optional("layers", &o.layers)
      .Optional("classes", &o.classes);
  NAS_RETURN_IF_ERROR(r.Finish());
  for (auto [name, value] : {std::pair<const char*, int>{"in_channels", o.in_channels},
                             {"image_size", o.image_size},
                             {"channels", o.channels},
                             {"layers", o.layers},
                             {"classes", o.classes}}) {
    if (value < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("scaffold_example_net options.", name, " must be >= 1, got ", value));
    }
  }
  return o;
}

}  // namespace

absl::StatusOr<BuiltSpace> MakeScaffoldExampleNet(const Json& options) {
  NAS_ASSIGN_OR_RETURN(Options o, OptionsFromJson(options));
  auto model = std::make_shared<ScaffoldExampleNetImpl>(o);
  BuiltSpace built;
  built.model = model;
  built.input_shape = {o.in_channels, o.image_size, o.image_size};
  built.forward = [model](const at::Tensor& x) { return model->forward(x); };
  return built;
}

}  // namespace nas::scaffold_example

NAS_REGISTER(nas::SpaceRegistry(), "scaffold_example_net",
             &nas::scaffold_example::MakeScaffoldExampleNet);
