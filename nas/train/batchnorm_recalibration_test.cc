#include "nas/train/batchnorm_recalibration.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/utils.h>

namespace nas {
namespace {

using ::testing::HasSubstr;

// Fixed batches from a vector.
class VectorSource : public BatchSource {
 public:
  explicit VectorSource(std::vector<at::Tensor> data) : data_(std::move(data)) {}
  int64_t batches_per_epoch() const override { return static_cast<int64_t>(data_.size()); }
  void start_epoch(int64_t, int64_t start_batch) override {
    next_ = static_cast<size_t>(start_batch);
  }
  std::optional<Batch> next() override {
    if (next_ >= data_.size()) return std::nullopt;
    return Batch{data_[next_++], torch::zeros({data_[0].size(0)}, torch::kLong)};
  }

 private:
  std::vector<at::Tensor> data_;
  size_t next_ = 0;
};

struct Net : torch::nn::Module {
  Net() {
    conv =
        register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(2, 3, 1).bias(false)));
    bn = register_module("bn",
                         torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(3).affine(false)));
  }
  at::Tensor forward(const at::Tensor& x) { return bn(conv(x)); }
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};

TEST(BatchNormRecalibrationTest, StatisticsAreExactAveragesOverTheBatches) {
  torch::manual_seed(0);
  auto net = std::make_shared<Net>();
  std::vector<at::Tensor> data;
  for (int i = 0; i < 5; ++i) data.push_back(torch::randn({4, 2, 3, 3}) * (i + 1) + i);
  // Stale statistics from "other paths".
  net->bn->running_mean.fill_(7);
  net->bn->running_var.fill_(9);
  net->eval();
  VectorSource source(data);
  auto used = RecalibrateBatchNorm(
      *net, [&](const at::Tensor& x) { return net->forward(x); }, source, 3);
  ASSERT_TRUE(used.ok()) << used.status();
  EXPECT_EQ(*used, 3);
  EXPECT_FALSE(net->is_training());             // mode restored
  EXPECT_EQ(net->bn->options.momentum(), 0.1);  // momentum restored
  // Expected: the mean over the 3 batches of each batch's mean / unbiased var.
  at::Tensor mean = torch::zeros({3}), var = torch::zeros({3});
  torch::NoGradGuard no_grad;
  for (int i = 0; i < 3; ++i) {
    at::Tensor y = net->conv(data[i]).transpose(0, 1).reshape({3, -1});
    mean += y.mean(1) / 3;
    var += y.var(1, /*unbiased=*/true) / 3;
  }
  EXPECT_TRUE(torch::allclose(net->bn->running_mean, mean, 1e-5, 1e-5))
      << net->bn->running_mean << mean;
  EXPECT_TRUE(torch::allclose(net->bn->running_var, var, 1e-4, 1e-4));
  EXPECT_FALSE(net->conv->weight.grad().defined());  // no gradients
  EXPECT_EQ(CountBatchNorms(*net), 1);
}

TEST(BatchNormRecalibrationTest, ShortAndEmptySourcesAndErrors) {
  auto net = std::make_shared<Net>();
  auto fwd = [&](const at::Tensor& x) { return net->forward(x); };
  VectorSource two({torch::randn({2, 2, 2, 2}), torch::randn({2, 2, 2, 2})});
  EXPECT_EQ(*RecalibrateBatchNorm(*net, fwd, two, 10), 2);
  VectorSource none({});
  EXPECT_THAT(RecalibrateBatchNorm(*net, fwd, none, 10).status().message(), HasSubstr("empty"));
  VectorSource wrong({torch::randn({2, 5, 2, 2})});
  auto s = RecalibrateBatchNorm(*net, fwd, wrong, 1);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("batch-norm recalibration: "));
  EXPECT_TRUE(net->is_training());
  EXPECT_EQ(net->bn->options.momentum(), 0.1);
  EXPECT_FALSE(RecalibrateBatchNorm(*net, fwd, two, 0).ok());
}

}  // namespace
}  // namespace nas
