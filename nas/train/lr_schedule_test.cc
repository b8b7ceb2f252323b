#include "nas/train/lr_schedule.h"

#include <cmath>

#include <gtest/gtest.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/optimizer.h>
#include <torch/optim/sgd.h>

namespace nas {
namespace {

TEST(LrScheduleTest, EachScheduleAtItsEnds) {
  const int64_t per_epoch = 10;
  EXPECT_DOUBLE_EQ(ConstantLr(0.1)->lr(3, 4, per_epoch), 0.1);
  auto cosine = CosineLr(0.1, 0.01, 4);
  EXPECT_DOUBLE_EQ(cosine->lr(0, 9, per_epoch), 0.1);  // per epoch: constant within one
  EXPECT_DOUBLE_EQ(cosine->lr(2, 0, per_epoch), 0.055);
  EXPECT_DOUBLE_EQ(cosine->lr(4, 0, per_epoch), 0.01);
  auto linear = LinearDecayLr(0.2, 40);
  EXPECT_DOUBLE_EQ(linear->lr(0, 0, per_epoch), 0.2);
  EXPECT_DOUBLE_EQ(linear->lr(2, 0, per_epoch), 0.1);
  EXPECT_DOUBLE_EQ(linear->lr(5, 0, per_epoch), 0.0);  // never negative
  auto cosine_steps = CosineStepsLr(0.1, 0, 40);
  EXPECT_DOUBLE_EQ(cosine_steps->lr(0, 0, per_epoch), 0.1);
  EXPECT_NEAR(cosine_steps->lr(1, 0, per_epoch), 0.05 * (1 + std::cos(M_PI / 4)), 1e-15);
  EXPECT_DOUBLE_EQ(cosine_steps->lr(2, 0, per_epoch), 0.05);
  EXPECT_NEAR(cosine_steps->lr(9, 0, per_epoch), 0.0, 1e-15);  // stays at min after the end
  auto step = StepLr(1.0, 2, 0.5);
  EXPECT_DOUBLE_EQ(step->lr(3, 0, per_epoch), 0.5);
  EXPECT_DOUBLE_EQ(step->lr(4, 0, per_epoch), 0.25);
}

TEST(LrScheduleTest, SetsEveryParameterGroup) {
  torch::nn::Linear a(2, 2), b(2, 2);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(a->parameters());
  groups.emplace_back(b->parameters());
  torch::optim::SGD sgd(groups, torch::optim::SGDOptions(0.1));
  SetLearningRate(sgd, 0.03);
  for (auto& group : sgd.param_groups()) EXPECT_DOUBLE_EQ(group.options().get_lr(), 0.03);
  EXPECT_DOUBLE_EQ(GetLearningRate(sgd), 0.03);
}

}  // namespace
}  // namespace nas
