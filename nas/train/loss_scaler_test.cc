#include "nas/train/loss_scaler.h"

#include <limits>

#include <gtest/gtest.h>
#include <torch/types.h>

namespace nas {
namespace {

TEST(LossScalerTest, ScalesUnscalesSkipsAndAdapts) {
  LossScalerOptions o;
  o.init_scale = 8;
  o.growth_interval = 2;
  LossScaler scaler(o);
  EXPECT_TRUE(torch::allclose(scaler.scale(torch::tensor({0.5})), torch::tensor({4.0})));

  at::Tensor g = torch::tensor({8.0, 16.0});
  ASSERT_TRUE(scaler.unscale({g}));
  EXPECT_TRUE(torch::allclose(g, torch::tensor({1.0, 2.0})));
  scaler.update(true);
  EXPECT_EQ(scaler.current_scale(), 8);
  scaler.update(true);
  EXPECT_EQ(scaler.current_scale(), 16);  // grew after 2 good steps

  at::Tensor bad = torch::tensor({1.0, std::numeric_limits<double>::infinity()});
  at::Tensor other = torch::tensor({4.0});
  EXPECT_FALSE(scaler.unscale({other, bad}));
  EXPECT_TRUE(torch::equal(other, torch::tensor({4.0})));  // untouched when skipping
  scaler.update(false);
  EXPECT_EQ(scaler.current_scale(), 8);
  EXPECT_EQ(scaler.good_steps(), 0);
  EXPECT_FALSE(scaler.unscale({torch::tensor({std::nan("")})}));
}

}  // namespace
}  // namespace nas
