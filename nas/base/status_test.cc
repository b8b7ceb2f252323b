#include "nas/base/status.h"

#include <stdexcept>

#include <c10/util/Exception.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nas {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

absl::StatusOr<int> Half(int x) {
  if (x % 2 != 0) return absl::InvalidArgumentError("odd");
  return x / 2;
}

absl::StatusOr<int> Quarter(int x) {
  NAS_ASSIGN_OR_RETURN(int half, Half(x));
  NAS_ASSIGN_OR_RETURN(auto quarter, Half(half));
  return quarter;
}

absl::Status CheckEven(int x) {
  NAS_RETURN_IF_ERROR(Half(x).status());
  return absl::OkStatus();
}

TEST(StatusTest, AssignOrReturnPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Quarter(6).status().message(), "odd");
}

TEST(StatusTest, ReturnIfErrorPropagates) {
  EXPECT_TRUE(CheckEven(2).ok());
  EXPECT_EQ(CheckEven(3).message(), "odd");
}

TEST(StatusTest, AnnotateKeepsCodeAndPrefixesMessage) {
  absl::Status s = Annotate(absl::NotFoundError("no file"), "loading x");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "loading x: no file");
  EXPECT_TRUE(Annotate(absl::OkStatus(), "ctx").ok());
}

TEST(StatusTest, CatchExceptionsConvertsTorchErrorsWithoutBacktrace) {
  absl::Status s = CatchExceptions([]() -> absl::Status {
    TORCH_CHECK(false, "shape mismatch in layer foo");
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("shape mismatch in layer foo"));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("frame #")));
}

TEST(StatusTest, CatchExceptionsConvertsStdExceptions) {
  EXPECT_EQ(CatchExceptions([]() -> absl::Status { throw std::runtime_error("boom"); }).code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(
      CatchExceptions([]() -> absl::Status { throw std::invalid_argument("bad"); }).code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CatchExceptions([] { return absl::OkStatus(); }).ok());
}

}  // namespace
}  // namespace nas
