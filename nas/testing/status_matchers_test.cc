#include "nas/testing/status_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nas::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

absl::StatusOr<int> Parse(bool ok) {
  if (ok) return 3;
  return absl::InvalidArgumentError("$.a: expected a number");
}

TEST(StatusMatchersTest, StatusIsChecksCodeAndMessage) {
  absl::Status error = absl::NotFoundError("no file x.json");
  EXPECT_THAT(error, StatusIs(absl::StatusCode::kNotFound, HasSubstr("x.json")));
  EXPECT_THAT(error, StatusIs(absl::StatusCode::kNotFound, "no file x.json"));
  EXPECT_THAT(error, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(error, Not(StatusIs(absl::StatusCode::kInvalidArgument)));
  EXPECT_THAT(error, Not(StatusIs(absl::StatusCode::kNotFound, HasSubstr("y.json"))));
}

TEST(StatusMatchersTest, WorksOnStatusOr) {
  EXPECT_THAT(Parse(false), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("$.a")));
  EXPECT_THAT(Parse(true), IsOk());
  EXPECT_THAT(Parse(false), Not(IsOk()));
  ASSERT_OK(Parse(true));
  EXPECT_OK(absl::OkStatus());
}

TEST(StatusMatchersTest, ExplainsTheActualStatus) {
  ::testing::StringMatchResultListener listener;
  ::testing::Matcher<const absl::Status&> m = StatusIs(absl::StatusCode::kNotFound);
  EXPECT_FALSE(m.MatchAndExplain(absl::InternalError("boom"), &listener));
  EXPECT_THAT(listener.str(), HasSubstr("boom"));
}

}  // namespace
}  // namespace nas::testing
