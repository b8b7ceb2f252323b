#include "nas/base/status.h"

#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nas {
namespace {

using ::testing::HasSubstr;

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

TEST(StatusTest, CatchExceptionsConvertsStdExceptions) {
  EXPECT_EQ(CatchExceptions([]() -> absl::Status { throw std::runtime_error("boom"); }).code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(CatchExceptions([]() -> absl::Status { throw std::invalid_argument("bad"); }).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CatchExceptions([] { return absl::OkStatus(); }).ok());
  EXPECT_EQ(CatchExceptions([]() -> absl::Status { throw 42; }).message(), "unknown exception");
}

TEST(StatusTest, RegisteredTranslatorsClaimTheirExceptions) {
  struct Special {};
  RegisterExceptionTranslator([]() -> std::optional<absl::Status> {
    try {
      throw;
    } catch (const Special&) {
      return absl::UnavailableError("special");
    } catch (...) {
      return std::nullopt;
    }
  });
  EXPECT_EQ(CatchExceptions([]() -> absl::Status { throw Special{}; }).code(),
            absl::StatusCode::kUnavailable);
  // Other exceptions still reach the default rules.
  EXPECT_EQ(CatchExceptions([]() -> absl::Status { throw std::runtime_error("boom"); }).message(),
            "boom");
}

}  // namespace
}  // namespace nas
