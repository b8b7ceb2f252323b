#include "nas/testing/tensor_matchers.h"

#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>

namespace nas::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Explain(const ::testing::Matcher<const at::Tensor&>& m, const at::Tensor& t) {
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(m.MatchAndExplain(t, &listener));
  return listener.str();
}

TEST(TensorMatchersTest, EqIsExact) {
  at::Tensor a = torch::arange(6, torch::kFloat).reshape({2, 3});
  EXPECT_THAT(a, TensorEq(a.clone()));
  EXPECT_THAT(a + 1e-7, Not(TensorEq(a)));
  EXPECT_THAT(a.to(torch::kDouble), Not(TensorEq(a)));
  EXPECT_THAT(Explain(TensorEq(a), a.reshape({3, 2})), HasSubstr("shape is [3, 2]"));
}

TEST(TensorMatchersTest, NearUsesTolerances) {
  at::Tensor a = torch::ones({4});
  EXPECT_THAT(a + 1e-7, TensorNear(a, 1e-6));
  EXPECT_THAT(a * 1.01, TensorNear(a, 0, 0.02));
  EXPECT_THAT(a.to(torch::kDouble), TensorNear(a));
  at::Tensor b = a.clone();
  b[2] = 1.5;
  EXPECT_THAT(
      Explain(TensorNear(a, 1e-3), b),
      HasSubstr("differs at 1 of 4 elements; the largest difference is 0.5 at flat index 2"));
}

TEST(TensorMatchersTest, NansMatchNans) {
  at::Tensor a = torch::tensor({1.0, std::nan("")});
  EXPECT_THAT(a, TensorEq(a.clone()));
  EXPECT_THAT(a, Not(TensorNear(torch::tensor({1.0, 2.0}))));
}

}  // namespace
}  // namespace nas::testing
