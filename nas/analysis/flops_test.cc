// MAC and parameter counts against independent hand-computed formulas and
// published numbers (MobileNet v1).
#include "nas/analysis/flops.h"

#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/named_any.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/nn/pimpl.h>
#include <torch/utils.h>

#include "nas/core/architecture.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/layer_choice.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using torch::nn::Conv2dOptions;

// Output size of a convolution along one axis.
int64_t ConvOut(int64_t in, int64_t k, int64_t stride, int64_t pad) {
  return (in + 2 * pad - k) / stride + 1;
}

// The textbook count: every output element of every output channel takes
// (cin / groups) * k * k multiply-accumulates.
int64_t Conv2dMacs(int64_t cin, int64_t cout, int64_t k, int64_t stride, int64_t pad,
                   int64_t groups, int64_t h, int64_t w) {
  return cout * ConvOut(h, k, stride, pad) * ConvOut(w, k, stride, pad) * (cin / groups) * k * k;
}

std::function<at::Tensor(const at::Tensor&)> ForwardOf(torch::nn::Sequential net) {
  return [p = net.ptr()](const at::Tensor& x) { return p->forward(x); };
}

class FlopsTest : public ::testing::Test {
 protected:
  void SetUp() override { torch::manual_seed(0); }
};

// Convolutions with padding, stride, groups, a depthwise one, with and
// without bias, then a linear layer; input 3x16x16.
torch::nn::Sequential ConvLinearNet() {
  return torch::nn::Sequential(
      torch::nn::Conv2d(Conv2dOptions(3, 8, 3).padding(1)),  // -> 8x16x16
      torch::nn::ReLU(),
      torch::nn::Conv2d(Conv2dOptions(8, 16, 3).stride(2).padding(1).groups(2)),  // -> 16x8x8
      torch::nn::BatchNorm2d(16),
      torch::nn::Conv2d(Conv2dOptions(16, 16, 5).padding(2).groups(16).bias(false)),  // depthwise
      torch::nn::Conv2d(Conv2dOptions(16, 32, 1).bias(false)),                        // -> 32x8x8
      torch::nn::AdaptiveAvgPool2d(torch::nn::AdaptiveAvgPool2dOptions(1)), torch::nn::Flatten(),
      torch::nn::Linear(32, 10));
}

int64_t ConvLinearNetMacs() {
  return Conv2dMacs(3, 8, 3, 1, 1, 1, 16, 16) + Conv2dMacs(8, 16, 3, 2, 1, 2, 16, 16) +
         Conv2dMacs(16, 16, 5, 1, 2, 16, 8, 8) + Conv2dMacs(16, 32, 1, 1, 0, 1, 8, 8) + 32 * 10;
}

TEST_F(FlopsTest, ConvolutionsAndLinearMatchTheFormula) {
  auto net = ConvLinearNet();
  absl::StatusOr<ModelCost> cost = CountCost(*net, ForwardOf(net), {3, 16, 16});
  ASSERT_OK(cost);
  // 8*16*16*3*9 + 16*8*8*4*9 + 16*8*8*1*25 + 32*8*8*16 + 320
  EXPECT_EQ(ConvLinearNetMacs(), 55296 + 36864 + 25600 + 32768 + 320);
  EXPECT_EQ(cost->macs, ConvLinearNetMacs());
  int64_t params =
      (3 * 8 * 9 + 8) + (8 / 2 * 16 * 9 + 16) + (16 + 16) + 16 * 25 + 16 * 32 + (32 * 10 + 10);
  EXPECT_EQ(cost->parameters, params);
}

TEST_F(FlopsTest, Conv1d) {
  auto net = torch::nn::Sequential(
      torch::nn::Conv1d(torch::nn::Conv1dOptions(4, 6, 3).stride(2).padding(1)));
  absl::StatusOr<ModelCost> cost = CountCost(*net, ForwardOf(net), {4, 20});
  ASSERT_OK(cost);
  // Length (20 + 2 - 3) / 2 + 1 = 10; 6 channels * 10 * 4 * 3.
  EXPECT_EQ(cost->macs, 6 * 10 * 4 * 3);
  EXPECT_EQ(cost->parameters, 6 * 4 * 3 + 6);
}

TEST_F(FlopsTest, ConvTranspose2dCountsPerInputElement) {
  auto net = torch::nn::Sequential(torch::nn::ConvTranspose2d(
      torch::nn::ConvTranspose2dOptions(4, 6, 3).stride(2).padding(1).output_padding(1)));
  absl::StatusOr<ModelCost> cost = CountCost(*net, ForwardOf(net), {4, 5, 5});
  ASSERT_OK(cost);
  // Every input element is scattered to 6 channels * 3 * 3 outputs.
  EXPECT_EQ(cost->macs, 4 * 5 * 5 * 6 * 3 * 3);
}

struct MatmulNetImpl : torch::nn::Module {
  MatmulNetImpl() : w(register_parameter("w", torch::randn({7, 3}))) {}
  at::Tensor forward(const at::Tensor& x) {
    at::Tensor y = torch::matmul(x, w);                  // [1,5,7] x [7,3] -> [1,5,3]
    at::Tensor g = torch::matmul(y.transpose(1, 2), y);  // [1,3,5] x [1,5,3] -> [1,3,3]
    at::Tensor m = torch::mm(y[0], w.t());               // [5,3] x [3,7] -> [5,7]
    return torch::relu(g).sum() + m.sum();
  }
  at::Tensor w;
};
TORCH_MODULE(MatmulNet);

TEST_F(FlopsTest, MatrixProductsCountOnce) {
  MatmulNet net;
  absl::StatusOr<ModelCost> cost =
      CountCost(*net, [p = net.ptr()](const at::Tensor& x) { return p->forward(x); }, {5, 7});
  ASSERT_OK(cost);
  EXPECT_EQ(cost->macs, 5 * 3 * 7 + 3 * 3 * 5 + 5 * 7 * 3);
  EXPECT_EQ(cost->parameters, 21);
}

TEST_F(FlopsTest, CountersSeeTheOpsRunWhileTheyLiveAndNest) {
  torch::NoGradGuard no_grad;
  torch::nn::Linear a(8, 4), b(4, 2);
  torch::nn::Conv2d c(Conv2dOptions(1, 2, 3));
  c(torch::zeros({1, 1, 5, 5}));  // before any counter: not counted
  MacCounter outer;
  a(torch::zeros({1, 8}));
  {
    MacCounter inner;
    b(torch::zeros({1, 4}));
    c(torch::zeros({1, 1, 5, 5}));
    EXPECT_EQ(inner.macs(), 2 * 4 + 2 * 3 * 3 * 9);
  }
  b(torch::zeros({1, 4}));
  EXPECT_EQ(outer.macs(), 4 * 8 + 2 * (2 * 4) + 2 * 3 * 3 * 9);
}

TEST_F(FlopsTest, CountsTheForwardPassOnlyWithGradientsInTrainingMode) {
  torch::nn::Conv2d c(Conv2dOptions(2, 2, 3).padding(1));
  torch::nn::Linear fc(32, 5);
  c->train();
  fc->train();
  MacCounter counter;
  // The backward pass (convolution_backward, the linear layer's mm) is not
  // counted.
  fc(c(torch::zeros({1, 2, 4, 4})).flatten(1)).sum().backward();
  EXPECT_EQ(counter.macs(), 2 * 4 * 4 * 2 * 9 + 32 * 5);
}

TEST_F(FlopsTest, CountsUnderInferenceMode) {
  c10::InferenceMode inference;
  torch::nn::Linear fc(6, 2);
  MacCounter counter;
  fc(torch::zeros({3, 6}));
  EXPECT_EQ(counter.macs(), 3 * 6 * 2);
}

TEST_F(FlopsTest, CountingTwiceGivesTheSameResult) {
  auto net = ConvLinearNet();
  absl::StatusOr<ModelCost> first = CountCost(*net, ForwardOf(net), {3, 16, 16});
  absl::StatusOr<ModelCost> second = CountCost(*net, ForwardOf(net), {3, 16, 16});
  ASSERT_OK(first);
  ASSERT_OK(second);
  EXPECT_EQ(first->macs, second->macs);
  EXPECT_EQ(first->parameters, second->parameters);
}

TEST_F(FlopsTest, WrongInputShapeIsAnErrorAndCountingGoesOn) {
  auto net = ConvLinearNet();
  absl::StatusOr<ModelCost> cost = CountCost(*net, ForwardOf(net), {1, 16, 16});
  ASSERT_THAT(cost, StatusIs(absl::StatusCode::kInvalidArgument,
                             AllOf(HasSubstr("input of shape [1, 1, 16, 16]"),
                                   HasSubstr("channels"),  // LibTorch's reason
                                   Not(HasSubstr("\n")))));

  cost = CountCost(*net, ForwardOf(net), {3, 0, 16});
  ASSERT_THAT(cost, StatusIs(absl::StatusCode::kInvalidArgument,
                             HasSubstr("[1, 3, 0, 16] has a dimension < 1")));

  // A failure inside a counted operator leaves no state behind, even inside
  // a counter that outlives it.
  MacCounter outer;
  EXPECT_THAT(
      CountCost(*net, ForwardOf(net), {1, 16, 16}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("input of shape [1, 1, 16, 16]")));
  cost = CountCost(*net, ForwardOf(net), {3, 16, 16});
  ASSERT_OK(cost);
  EXPECT_EQ(cost->macs, ConvLinearNetMacs());
  EXPECT_EQ(outer.macs(), ConvLinearNetMacs());
}

TEST_F(FlopsTest, RestoresEveryModulesTrainMode) {
  auto net = ConvLinearNet();
  net->train();
  net[3]->eval();  // a frozen BatchNorm stays frozen
  ASSERT_OK(CountCost(*net, ForwardOf(net), {3, 16, 16}));
  EXPECT_TRUE(net->is_training());
  EXPECT_TRUE(net[0]->is_training());
  EXPECT_FALSE(net[3]->is_training());
  ASSERT_THAT(
      CountCost(*net, ForwardOf(net), {2, 16, 16}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("input of shape [1, 2, 16, 16]")));
  EXPECT_TRUE(net->is_training());
  EXPECT_FALSE(net[3]->is_training());

  net->eval();
  ASSERT_OK(CountCost(*net, ForwardOf(net), {3, 16, 16}));
  EXPECT_FALSE(net->is_training());
}

TEST_F(FlopsTest, RunsWithoutGradientsInEvalMode) {
  auto net = ConvLinearNet();
  net->train();
  bool saw_training = true;
  bool saw_grad = true;
  auto forward = [&](const at::Tensor& x) {
    saw_training = net->is_training();
    saw_grad = torch::GradMode::is_enabled();
    return net->forward(x);
  };
  ASSERT_OK(CountCost(*net, forward, {3, 16, 16}));
  EXPECT_FALSE(saw_training);
  EXPECT_FALSE(saw_grad);
}

// A layer choice between a 3x3 and a 5x5 convolution, then a classifier.
struct ChoiceNetImpl : torch::nn::Module {
  ChoiceNetImpl()
      : op(register_module(
            "op", LayerChoice(
                      std::vector<torch::nn::NamedAnyModule>{
                          {"conv3x3", torch::nn::Conv2d(Conv2dOptions(4, 8, 3).padding(1))},
                          {"conv5x5", torch::nn::Conv2d(Conv2dOptions(4, 8, 5).padding(2))}},
                      LayerChoiceOptions().key("op")))),
        fc(register_module("fc", torch::nn::Linear(8, 3))) {}
  at::Tensor forward(at::Tensor x) { return fc(op(x).mean({2, 3})); }
  LayerChoice op;
  torch::nn::Linear fc;
};
TORCH_MODULE(ChoiceNet);

TEST_F(FlopsTest, FixedLayerChoiceCountsOnlyTheChosenCandidate) {
  for (const auto& [name, k] : {std::pair<std::string, int64_t>{"conv3x3", 3}, {"conv5x5", 5}}) {
    ChoiceNet net;
    absl::StatusOr<Architecture> arch = Architecture::from_json(Json{{"op", name}});
    ASSERT_OK(arch);
    ASSERT_OK(ApplyFixedArchitecture(*net, *arch));
    absl::StatusOr<ModelCost> cost =
        CountCost(*net, [p = net.ptr()](const at::Tensor& x) { return p->forward(x); }, {4, 6, 6});
    ASSERT_OK(cost);
    EXPECT_EQ(cost->macs, Conv2dMacs(4, 8, k, 1, k / 2, 1, 6, 6) + 8 * 3) << name;
    EXPECT_EQ(cost->parameters, (4 * 8 * k * k + 8) + (8 * 3 + 3)) << name;
  }
}

// VGG-style: conv3x3 (padding 1) stacks and 2x2 max pools on 3x32x32, then
// two fully-connected layers. Written out by hand per layer.
TEST_F(FlopsTest, VggStack) {
  auto conv = [](int64_t cin, int64_t cout) {
    return torch::nn::Conv2d(Conv2dOptions(cin, cout, 3).padding(1));
  };
  auto pool = [] { return torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)); };
  auto net = torch::nn::Sequential(conv(3, 16), torch::nn::ReLU(), pool(),   // 16x16x16
                                   conv(16, 32), torch::nn::ReLU(), pool(),  // 32x8x8
                                   conv(32, 64), torch::nn::ReLU(),          // 64x8x8
                                   conv(64, 64), torch::nn::ReLU(), pool(),  // 64x4x4
                                   torch::nn::Flatten(), torch::nn::Linear(1024, 128),
                                   torch::nn::ReLU(), torch::nn::Linear(128, 10));
  absl::StatusOr<ModelCost> cost = CountCost(*net, ForwardOf(net), {3, 32, 32});
  ASSERT_OK(cost);
  EXPECT_EQ(cost->macs, 32 * 32 * 3 * 16 * 9         // 442'368
                            + 16 * 16 * 16 * 32 * 9  // 1'179'648
                            + 8 * 8 * 32 * 64 * 9    // 1'179'648
                            + 8 * 8 * 64 * 64 * 9    // 2'359'296
                            + 1024 * 128 + 128 * 10);
  EXPECT_EQ(cost->macs, 5'293'312);
  EXPECT_EQ(cost->parameters, 448 + 4'640 + 18'496 + 36'928 + 131'200 + 1'290);
}

// MobileNet v1 (Howard et al. 2017, https://arxiv.org/abs/1704.04861),
// width 1.0 at 224x224: Table 1's layers.
torch::nn::Sequential MobileNetV1() {
  auto conv_bn = [](torch::nn::Sequential& net, int64_t cin, int64_t cout, int64_t k,
                    int64_t stride, int64_t groups) {
    net->push_back(torch::nn::Conv2d(
        Conv2dOptions(cin, cout, k).stride(stride).padding(k / 2).groups(groups).bias(false)));
    net->push_back(torch::nn::BatchNorm2d(cout));
    net->push_back(torch::nn::ReLU());
  };
  torch::nn::Sequential net;
  conv_bn(net, 3, 32, 3, 2, 1);
  int64_t c = 32;
  const std::pair<int64_t, int64_t> blocks[] = {{64, 1},  {128, 2},  {128, 1}, {256, 2}, {256, 1},
                                                {512, 2}, {512, 1},  {512, 1}, {512, 1}, {512, 1},
                                                {512, 1}, {1024, 2}, {1024, 1}};
  for (const auto& [cout, stride] : blocks) {
    conv_bn(net, c, c, 3, stride, c);  // depthwise
    conv_bn(net, c, cout, 1, 1, 1);    // pointwise
    c = cout;
  }
  net->push_back(torch::nn::AdaptiveAvgPool2d(torch::nn::AdaptiveAvgPool2dOptions(1)));
  net->push_back(torch::nn::Flatten());
  net->push_back(torch::nn::Linear(1024, 1000));
  return net;
}

TEST_F(FlopsTest, MobileNetV1MatchesThePublishedNumbers) {
  auto net = MobileNetV1();
  absl::StatusOr<ModelCost> cost = CountCost(*net, ForwardOf(net), {3, 224, 224});
  ASSERT_OK(cost);
  // The paper's Table 8: 569 million mult-adds, 4.2 million parameters.
  EXPECT_NEAR(cost->macs / 1e6, 569, 0.5);
  EXPECT_EQ(cost->macs, 568'740'352);
  // Keras' MobileNet (alpha 1.0, 224) lists 4'231'976 trainable parameters
  // (BN's running statistics are buffers here, not parameters).
  EXPECT_EQ(cost->parameters, 4'231'976);
}

}  // namespace
}  // namespace nas
