#include "algorithms/random/small_cnn.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nas::random {
namespace {

using ::testing::HasSubstr;

TEST(SmallCnnTest, OptionsAreValidated) {
  EXPECT_THAT(std::string(MakeSmallCnn(Json::parse(R"({"layers": 0})")).status().message()),
              HasSubstr("small_cnn options.layers must be >= 1, got 0"));
  EXPECT_THAT(std::string(MakeSmallCnn(Json::parse(R"({"chanels": 8})")).status().message()),
              HasSubstr("unknown member small_cnn options.chanels"));
}

}  // namespace
}  // namespace nas::random
