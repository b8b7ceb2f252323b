#include "nas/base/torch/compat.h"

#include <gtest/gtest.h>
#include <torch/optim/sgd.h>
#include <torch/types.h>

namespace nas {
namespace {

TEST(CompatTest, FindsTheOptimizerStateOfEachParameterAfterItsFirstStep) {
  at::Tensor a = torch::ones({2}, torch::requires_grad());
  at::Tensor b = torch::ones({3}, torch::requires_grad());
  torch::optim::SGD sgd({a, b}, torch::optim::SGDOptions(0.1).momentum(0.9));
  EXPECT_EQ(FindOptimizerState(sgd, a), nullptr);
  (a * 2).sum().backward();
  (b * 3).sum().backward();
  sgd.step();
  const auto* sa = FindOptimizerState(sgd, a);
  const auto* sb = FindOptimizerState(sgd, b);
  ASSERT_NE(sa, nullptr);
  ASSERT_NE(sb, nullptr);
  // SGD's momentum buffer after one step is the gradient itself.
  EXPECT_TRUE(static_cast<const torch::optim::SGDParamState*>(sa)->momentum_buffer().equal(
      torch::full({2}, 2.0)));
  EXPECT_TRUE(static_cast<const torch::optim::SGDParamState*>(sb)->momentum_buffer().equal(
      torch::full({3}, 3.0)));
  EXPECT_EQ(FindOptimizerState(sgd, torch::ones({2})), nullptr);  // not a parameter of it
}

}  // namespace
}  // namespace nas
