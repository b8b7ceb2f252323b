#include "nas/analysis/latency_budget.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

TEST(LatencyBudget, PenaltyIsZeroWithinTheBudgetAndGrowsWithTheExcess) {
  LatencyBudget budget;
  budget.budget_ms = 10;
  budget.weight = 2;
  EXPECT_EQ(LatencyPenalty(torch::tensor(8.0), budget).item<double>(), 0);
  EXPECT_DOUBLE_EQ(LatencyPenalty(torch::tensor(15.0, torch::kDouble), budget).item<double>(),
                   2 * 5.0 / 10);
  at::Tensor e = torch::tensor(12.0, torch::requires_grad());
  LatencyPenalty(e, budget).backward();
  EXPECT_FLOAT_EQ(e.grad().item<float>(), 0.2f);
  EXPECT_EQ(LatencyPenalty(8.0, budget), 0);
  EXPECT_DOUBLE_EQ(LatencyPenalty(15.0, budget), 1.0);
  EXPECT_EQ(LatencyPenalty(8.0, budget), 0);
  EXPECT_DOUBLE_EQ(LatencyPenalty(15.0, budget), 1.0);
}

TEST(LatencyBudget, ValidationNamesTheMember) {
  LatencyBudget b;
  EXPECT_OK(ValidateLatencyBudget(b, "$.x"));
  b.budget_ms = -1;
  EXPECT_THAT(ValidateLatencyBudget(b, "$.x"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("$.x: latency_budget_ms")));
  b.budget_ms = 1;
  b.batch = 0;
  EXPECT_THAT(ValidateLatencyBudget(b, "$.x"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("$.x.latency_batch")));
}

TEST(LatencyBudget, PredictedRangeSpansTheFastestAndSlowestArchitecture) {
  LatencyTable t;
  t.rest_ms = 1;
  t.candidates = {{"a", {1, 3}}, {"b", {0.5, 2}}};
  EXPECT_EQ(PredictedRange(t), "2.5-6 ms");
}

}  // namespace
}  // namespace nas
