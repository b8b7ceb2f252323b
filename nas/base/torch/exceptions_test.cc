#include <c10/util/Exception.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/status.h"

namespace nas {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(TorchExceptionsTest, CatchExceptionsConvertsTorchErrorsWithoutBacktrace) {
  absl::Status s = CatchExceptions([]() -> absl::Status {
    TORCH_CHECK(false, "shape mismatch in layer foo");
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("shape mismatch in layer foo"));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("frame #")));
}

TEST(TorchExceptionsTest, CurrentExceptionMessageDropsTheBacktrace) {
  try {
    TORCH_CHECK(false, "bad archive");
  } catch (...) {
    EXPECT_THAT(CurrentExceptionMessage(), HasSubstr("bad archive"));
    EXPECT_THAT(CurrentExceptionMessage(), Not(HasSubstr("frame #")));
  }
}

TEST(TorchExceptionsTest, OtherExceptionsKeepTheBaseRules) {
  EXPECT_EQ(CatchExceptions([]() -> absl::Status { throw std::invalid_argument("bad"); }).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CatchExceptions([]() -> absl::Status { throw std::runtime_error("boom"); }).code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace nas
