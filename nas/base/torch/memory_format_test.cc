#include "nas/base/torch/memory_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>

#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;
constexpr auto kChannelsLast = at::MemoryFormat::ChannelsLast;

TEST(MemoryFormatTest, NamesRoundTripAndBadOnesAreRefused) {
  for (const char* name : {"contiguous", "channels_last"}) {
    EXPECT_EQ(MemoryFormatName(*ParseMemoryFormat(name)), name);
  }
  EXPECT_THAT(ParseMemoryFormat("nhwc"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'nhwc' is not one of contiguous, channels_last")));
}

TEST(MemoryFormatTest, ConvolutionWeightsChangeFormatInPlaceWithTheirValues) {
  torch::manual_seed(0);
  torch::nn::Sequential net(torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 8, 3)),
                            torch::nn::BatchNorm2d(8), torch::nn::Linear(4, 2));
  at::Tensor weight = net[0]->as<torch::nn::Conv2d>()->weight;
  const at::Tensor before = weight.clone();
  const void* impl = weight.unsafeGetTensorImpl();
  ToMemoryFormat(*net, kChannelsLast);
  at::Tensor after = net[0]->as<torch::nn::Conv2d>()->weight;
  EXPECT_EQ(after.suggest_memory_format(), kChannelsLast);
  EXPECT_FALSE(after.is_contiguous());
  EXPECT_EQ(after.unsafeGetTensorImpl(), impl);  // the same parameter: optimizers keep it
  EXPECT_TRUE(after.equal(before));
  EXPECT_TRUE(net[2]->as<torch::nn::Linear>()->weight.is_contiguous());  // 2-d: unchanged
  ToMemoryFormat(*net, at::MemoryFormat::Contiguous);
  EXPECT_TRUE(net[0]->as<torch::nn::Conv2d>()->weight.is_contiguous());
}

TEST(MemoryFormatTest, BatchesChangeFormatOnlyWhenFourDimensional) {
  at::Tensor images = torch::randn({2, 3, 4, 4});
  EXPECT_TRUE(InMemoryFormat(images, kChannelsLast).is_contiguous(kChannelsLast));
  at::Tensor already = images.contiguous(kChannelsLast);
  EXPECT_TRUE(InMemoryFormat(already, kChannelsLast).is_same(already));  // no copy
  at::Tensor flat = torch::randn({2, 5});
  EXPECT_TRUE(InMemoryFormat(flat, kChannelsLast).is_same(flat));
}

TEST(MemoryFormatTest, GlobalAveragePoolKeepsTheGradientInTheInputsFormat) {
  torch::manual_seed(1);
  const at::Tensor values = torch::randn({3, 5, 4, 2});
  const at::Tensor upstream = torch::randn({3, 5});
  for (at::MemoryFormat format : {at::MemoryFormat::Contiguous, kChannelsLast}) {
    at::Tensor x = values.clone(format).requires_grad_(true);
    at::Tensor y = x.relu();  // an op whose backward reads y's format
    at::Tensor grad_of_y;
    y.register_hook([&](const at::Tensor& g) { grad_of_y = g; });
    at::Tensor pooled = GlobalAveragePool(y);
    EXPECT_TRUE(at::allclose(pooled, values.relu().mean({2, 3}), 1e-6, 1e-6));
    pooled.backward(upstream);
    ASSERT_TRUE(grad_of_y.defined());
    EXPECT_TRUE(grad_of_y.is_contiguous(format)) << grad_of_y.strides();
    EXPECT_TRUE(at::allclose(grad_of_y, upstream.view({3, 5, 1, 1}).expand({3, 5, 4, 2}) / 8.0));
  }
  EXPECT_THROW(GlobalAveragePool(torch::randn({2, 3})), c10::Error);
}

TEST(MemoryFormatTest, SlicesGiveGradientsInTheInputsFormat) {
  const at::Tensor values = torch::randn({2, 6, 5, 4});
  for (at::MemoryFormat format : {at::MemoryFormat::Contiguous, kChannelsLast}) {
    at::Tensor x = values.clone(format).requires_grad_(true);
    at::Tensor part = SliceKeepingFormat(SliceKeepingFormat(x, 1, 2, 5), 2, 1, INT64_MAX, 2);
    EXPECT_TRUE(part.equal(values.slice(1, 2, 5).slice(2, 1, INT64_MAX, 2)));
    at::Tensor upstream = torch::randn(part.sizes());
    part.backward(upstream);
    at::Tensor expected = torch::zeros({2, 6, 5, 4});
    expected.slice(1, 2, 5).slice(2, 1, INT64_MAX, 2).copy_(upstream);
    EXPECT_TRUE(x.grad().equal(expected));
    EXPECT_EQ(x.grad().suggest_memory_format(), format);
  }
}

TEST(MemoryFormatTest, AmbiguousTensorsGetTheFormatsExactStrides) {
  // A depthwise weight [C, 1, k, k] is contiguous in both formats, and
  // LibTorch reads NCHW from its default strides.
  at::Tensor depthwise = torch::randn({8, 1, 3, 3});
  ASSERT_TRUE(depthwise.is_contiguous(kChannelsLast));
  ASSERT_EQ(depthwise.suggest_memory_format(), at::MemoryFormat::Contiguous);
  at::Tensor laid_out = InMemoryFormat(depthwise, kChannelsLast);
  EXPECT_EQ(laid_out.suggest_memory_format(), kChannelsLast);
  EXPECT_TRUE(laid_out.equal(depthwise));
  EXPECT_EQ(InMemoryFormat(laid_out, at::MemoryFormat::Contiguous).suggest_memory_format(),
            at::MemoryFormat::Contiguous);
  // One-channel images likewise.
  EXPECT_EQ(InMemoryFormat(torch::randn({4, 1, 28, 28}), kChannelsLast).suggest_memory_format(),
            kChannelsLast);
}

}  // namespace
}  // namespace nas
