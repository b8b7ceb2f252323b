#include "nas/core/uniform_sampling.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include "nas/testing/status_matchers.h"
#include "nas/testing/tensor_matchers.h"

namespace nas {
namespace {

using ::nas::testing::TensorEq;

TEST(UniformSamplingTest, FollowsTheRulesWithUniformFrequencies) {
  std::mt19937_64 rng(1);
  ChoiceSpec layer{"l", MutableKind::kLayerChoice, {"a", "b", "c", "d"}, std::nullopt};
  ChoiceSpec any{"any", MutableKind::kInputChoice, {"", "", "", ""}, std::nullopt};
  ChoiceSpec two{"two", MutableKind::kInputChoice, {"", "", "", ""}, 2};
  std::vector<int> layer_counts(4), any_counts(4), two_counts(4);
  const int n = 4000;
  for (int i = 0; i < n; ++i) {
    at::Tensor l = SampleUniformDecision(layer, rng), a = SampleUniformDecision(any, rng),
               t = SampleUniformDecision(two, rng);
    ASSERT_EQ(l.sum().item<int64_t>(), 1);
    ASSERT_EQ(t.sum().item<int64_t>(), 2);
    for (int j = 0; j < 4; ++j) {
      layer_counts[j] += l[j].item<bool>();
      any_counts[j] += a[j].item<bool>();
      two_counts[j] += t[j].item<bool>();
    }
  }
  for (int j = 0; j < 4; ++j) {
    EXPECT_NEAR(layer_counts[j] / double(n), 0.25, 0.03) << j;
    EXPECT_NEAR(any_counts[j] / double(n), 0.5, 0.03) << j;  // coin flips
    EXPECT_NEAR(two_counts[j] / double(n), 0.5, 0.03) << j;
  }
}

TEST(UniformSamplingTest, OneDecisionPerChoiceAndSeeded) {
  SearchSpace space({{"a", MutableKind::kLayerChoice, {"x", "y"}, std::nullopt},
                     {"b", MutableKind::kInputChoice, {"a", ""}, 1}});
  std::mt19937_64 r1(5), r2(5);
  Decisions d1 = SampleUniformDecisions(space, r1), d2 = SampleUniformDecisions(space, r2);
  ASSERT_OK(space.check(d1));
  for (const auto& [key, mask] : d1) EXPECT_THAT(mask, TensorEq(d2.at(key))) << key;
}

}  // namespace
}  // namespace nas
