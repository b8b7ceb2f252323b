#include "nas/analysis/ranking.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

TEST(KendallTauTest, KnownValues) {
  EXPECT_DOUBLE_EQ(*KendallTau({1, 2, 3, 4}, {10, 20, 30, 40}), 1);
  EXPECT_DOUBLE_EQ(*KendallTau({1, 2, 3, 4}, {4, 3, 2, 1}), -1);
  // One swapped pair of 6: (C - D) / 6 = (5 - 1) / 6.
  EXPECT_DOUBLE_EQ(*KendallTau({1, 2, 3, 4}, {1, 3, 2, 4}), 4.0 / 6);
  // tau-b with a tie (scipy.stats.kendalltau([1,2,2,3], [1,2,3,4]) = 0.9128709).
  EXPECT_NEAR(*KendallTau({1, 2, 2, 3}, {1, 2, 3, 4}), 0.9128709291752769, 1e-12);
}

TEST(KendallTauTest, BadInput) {
  EXPECT_THAT(KendallTau({1, 2}, {1}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("2 vs 1")));
  EXPECT_THAT(KendallTau({1}, {1}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("needs at least 2 items")));
  EXPECT_THAT(KendallTau({1, 1, 1}, {1, 2, 3}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("all values equal")));
  EXPECT_THAT(KendallTau({1, NAN}, {1, 2}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("item 1 is not finite")));
}

TEST(SpearmanRhoTest, KnownValues) {
  EXPECT_DOUBLE_EQ(*SpearmanRho({1, 2, 3, 4}, {10, 20, 30, 40}), 1);
  EXPECT_DOUBLE_EQ(*SpearmanRho({1, 2, 3, 4}, {4, 3, 2, 1}), -1);
  // scipy.stats.spearmanr([1,2,3,4,5], [2,1,4,3,5]) = 0.8.
  EXPECT_NEAR(*SpearmanRho({1, 2, 3, 4, 5}, {2, 1, 4, 3, 5}), 0.8, 1e-12);
  // With ties (scipy: spearmanr([1,2,2,3], [1,2,3,4]) = 0.9486832980505138).
  EXPECT_NEAR(*SpearmanRho({1, 2, 2, 3}, {1, 2, 3, 4}), 0.9486832980505138, 1e-12);
  EXPECT_THAT(SpearmanRho({1, 2}, {1}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Spearman's rho: 2 vs 1")));
  EXPECT_THAT(SpearmanRho({1, 2}, {3, 3}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("all values equal")));
}

TEST(RankingTest, RanksAverageTies) {
  EXPECT_EQ(DescendingRanks({0.5, 0.9, 0.5, 0.1}), (std::vector<double>{2.5, 1, 2.5, 4}));
}

TEST(RankingTest, TauInsideTheTopOfTheTruth) {
  // Truth 10..1; the estimate ranks the top 3 backwards and the rest right.
  std::vector<double> truth = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  std::vector<double> estimate = {8, 9, 10, 7, 6, 5, 4, 3, 2, 1};
  EXPECT_DOUBLE_EQ(*KendallTauInTop(estimate, truth, 0.3), -1);
  EXPECT_GT(*KendallTau(estimate, truth), 0.8);
  // At least two items: 10% of 10 is 1.
  EXPECT_DOUBLE_EQ(*KendallTauInTop(estimate, truth, 0.1), -1);
  EXPECT_THAT(KendallTauInTop(estimate, truth, 0), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace nas
