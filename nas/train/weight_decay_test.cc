#include "nas/train/weight_decay.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

namespace nas {
namespace {

using ::testing::ElementsAre;

TEST(WeightDecayTest, DecaysConvAndLinearWeightsOnly) {
  torch::nn::Sequential net(torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 4, 3)),
                            torch::nn::BatchNorm2d(4), torch::nn::ReLU(),
                            torch::nn::Conv1d(torch::nn::Conv1dOptions(4, 4, 1).bias(false)),
                            torch::nn::Linear(4, 2));
  EXPECT_THAT(ConvAndLinearWeightNames(*net), ElementsAre("0.weight", "3.weight", "4.weight"));
  WeightDecayGroups groups = SplitForWeightDecay(*net);
  ASSERT_EQ(groups.decay.size(), 3u);
  // Conv bias, BN weight and bias, Linear bias.
  ASSERT_EQ(groups.no_decay.size(), 4u);
  for (const auto& p : groups.no_decay) EXPECT_EQ(p.dim(), 1);
  EXPECT_TRUE(groups.decay[0].is_same(net[0]->named_parameters()["weight"]));
}

TEST(WeightDecayTest, AModuleThatIsItselfALinearLayer) {
  torch::nn::Linear fc(3, 2);
  EXPECT_THAT(ConvAndLinearWeightNames(*fc), ElementsAre("weight"));
}

}  // namespace
}  // namespace nas
