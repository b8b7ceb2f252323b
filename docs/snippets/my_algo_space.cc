// "my_algo_net": a small image model with two choices, registered so that
// binaries and tools (//tools:ss_gen, //tools:inspect, tests) build it by name.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/named_any.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>

#include "nas/base/status.h"
#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"
#include "nas/core/space_registry.h"

namespace nas::my_algo {
namespace {

struct MyAlgoNetImpl : torch::nn::Module {
  explicit MyAlgoNetImpl(int64_t channels) {
    using torch::nn::Conv2dOptions;
    stem = register_module("stem", torch::nn::Conv2d(Conv2dOptions(1, channels, 3).padding(1)));
    op = register_module(
        "op",
        LayerChoice(
            std::vector<torch::nn::NamedAnyModule>{
                {"conv3x3", torch::nn::Conv2d(Conv2dOptions(channels, channels, 3).padding(1))},
                {"conv5x5", torch::nn::Conv2d(Conv2dOptions(channels, channels, 5).padding(2))},
                {"maxpool",
                 torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(1).padding(1))}},
            LayerChoiceOptions().key("op")));
    skip = register_module(
        "skip", InputChoice(InputChoiceOptions().choose_from({"", "op"}).n_chosen(1).key("skip")));
    fc = register_module("fc", torch::nn::Linear(channels, 10));
  }

  at::Tensor forward(at::Tensor x) {
    at::Tensor s = torch::relu(stem(x));
    at::Tensor y = op(s);
    at::Tensor out = skip(std::vector<at::Tensor>{s, y});  // the stem, or the op
    return fc(torch::adaptive_avg_pool2d(torch::relu(out), {1, 1}).flatten(1));
  }

  torch::nn::Conv2d stem{nullptr};
  LayerChoice op{nullptr};
  InputChoice skip{nullptr};
  torch::nn::Linear fc{nullptr};
};

absl::StatusOr<BuiltSpace> MakeMyAlgoNet(const Json& options) {
  int64_t channels = 8;
  JsonObjectReader reader(options, "my_algo_net options");
  reader.Optional("channels", &channels);
  NAS_RETURN_IF_ERROR(reader.Finish());  // unknown members are errors
  if (channels < 1) return absl::InvalidArgumentError("my_algo_net options.channels must be >= 1");
  auto model = std::make_shared<MyAlgoNetImpl>(channels);
  BuiltSpace built;
  built.model = model;
  built.input_shape = {1, 28, 28};
  built.forward = [model](const at::Tensor& x) { return model->forward(x); };
  return built;
}

}  // namespace
}  // namespace nas::my_algo

NAS_REGISTER(nas::SpaceRegistry(), "my_algo_net", &nas::my_algo::MakeMyAlgoNet);
