#include "nas/base/registry.h"

#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nas {
namespace {

using Factory = std::function<int()>;

Registry<Factory>& Numbers() {
  static auto* registry = new Registry<Factory>("number");
  return *registry;
}

NAS_REGISTER(Numbers(), "one", [] { return 1; });
NAS_REGISTER(Numbers(), "two", [] { return 2; });

TEST(RegistryTest, StaticRegistrationAndLookup) {
  EXPECT_EQ((*Numbers().Lookup("one"))(), 1);
  EXPECT_EQ((*Numbers().Lookup("two"))(), 2);
  EXPECT_TRUE(Numbers().Contains("two"));
  EXPECT_EQ(Numbers().Names(), (std::vector<std::string>{"one", "two"}));
}

TEST(RegistryTest, UnknownNameListsRegisteredNames) {
  auto f = Numbers().Lookup("three");
  EXPECT_EQ(f.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(f.status().message(), "unknown number 'three'; registered: one, two");
}

TEST(RegistryTest, DuplicateAndEmptyNamesAreRejected) {
  Registry<int> r("tuner");
  ASSERT_TRUE(r.Register("a", 1).ok());
  absl::Status dup = r.Register("a", 2);
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.message(), "tuner 'a' is registered twice");
  EXPECT_EQ(*r.Lookup("a"), 1);
  EXPECT_EQ(r.Register("", 3).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Registry<int>("space").Lookup("x").status().message(),
            "unknown space 'x'; registered: (none)");
}

}  // namespace
}  // namespace nas
