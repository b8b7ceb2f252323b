// GoogleMock matchers for absl::Status and absl::StatusOr (Debian's Abseil
// 20220623 ships none). Check the specific error, not just "not ok":
//
//   EXPECT_THAT(ReadArchitecture(path),
//               StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("$.op: expected")));
//   EXPECT_THAT(WriteJsonFile(path, j), IsOk());
//   ASSERT_OK(status_or);                  // prints the message on failure
//
// Both matchers accept a Status or any StatusOr<T>.
#ifndef NAS_TESTING_STATUS_MATCHERS_H_
#define NAS_TESTING_STATUS_MATCHERS_H_

#include <ostream>
#include <string>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace nas::testing {
namespace internal {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

template <typename MessageMatcher>
class StatusIsMatcher {
 public:
  StatusIsMatcher(absl::StatusCode code, MessageMatcher message)
      : code_(code), message_(std::move(message)) {}

  template <typename StatusType>
  operator ::testing::Matcher<StatusType>() const {  // NOLINT: implicit by design
    return ::testing::MakeMatcher(new Impl<StatusType>(code_, message_));
  }

 private:
  template <typename StatusType>
  class Impl : public ::testing::MatcherInterface<StatusType> {
   public:
    Impl(absl::StatusCode code, const MessageMatcher& message)
        : code_(code), message_(::testing::SafeMatcherCast<const std::string&>(message)) {}

    bool MatchAndExplain(StatusType value,
                         ::testing::MatchResultListener* listener) const override {
      const absl::Status& status = GetStatus(value);
      *listener << "whose status is " << status;
      if (status.code() != code_) return false;
      return message_.MatchAndExplain(std::string(status.message()), listener);
    }
    void DescribeTo(std::ostream* os) const override {
      *os << "has status code " << absl::StatusCodeToString(code_) << " and a message that ";
      message_.DescribeTo(os);
    }
    void DescribeNegationTo(std::ostream* os) const override {
      *os << "does not have status code " << absl::StatusCodeToString(code_)
          << " or has a message that ";
      message_.DescribeNegationTo(os);
    }

   private:
    absl::StatusCode code_;
    ::testing::Matcher<const std::string&> message_;
  };

  absl::StatusCode code_;
  MessageMatcher message_;
};

class IsOkMatcher {
 public:
  template <typename StatusType>
  operator ::testing::Matcher<StatusType>() const {  // NOLINT: implicit by design
    return ::testing::MakeMatcher(new Impl<StatusType>());
  }

 private:
  template <typename StatusType>
  class Impl : public ::testing::MatcherInterface<StatusType> {
   public:
    bool MatchAndExplain(StatusType value,
                         ::testing::MatchResultListener* listener) const override {
      const absl::Status& status = GetStatus(value);
      if (!status.ok()) *listener << "whose status is " << status;
      return status.ok();
    }
    void DescribeTo(std::ostream* os) const override { *os << "is OK"; }
    void DescribeNegationTo(std::ostream* os) const override { *os << "is not OK"; }
  };
};

}  // namespace internal

// Matches a Status (or StatusOr) with `code` and a message matched by
// `message` (a string matcher such as HasSubstr("..."), or a string for
// equality).
template <typename MessageMatcher>
internal::StatusIsMatcher<MessageMatcher> StatusIs(absl::StatusCode code, MessageMatcher message) {
  return internal::StatusIsMatcher<MessageMatcher>(code, std::move(message));
}

// Any message.
inline internal::StatusIsMatcher<::testing::Matcher<const std::string&>> StatusIs(
    absl::StatusCode code) {
  return StatusIs(code, ::testing::Matcher<const std::string&>(::testing::_));
}

inline internal::IsOkMatcher IsOk() { return {}; }

}  // namespace nas::testing

// Assert / expect that a Status or StatusOr is OK, printing its message.
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::nas::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::nas::testing::IsOk())

#endif  // NAS_TESTING_STATUS_MATCHERS_H_
