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

}  // namespace
}  // namespace nas
