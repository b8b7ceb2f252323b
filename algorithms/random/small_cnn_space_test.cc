#include "algorithms/random/small_cnn_space.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include "nas/core/mutable_tree.h"
#include "nas/testing/status_matchers.h"

namespace nas::random {
namespace {

using ::nas::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(SmallCnnTest, DefaultSpaceHasFiveOpsPerLayerAndSkips) {
  absl::StatusOr<BuiltSpace> built = MakeSmallCnn(Json::object());
  ASSERT_OK(built);
  absl::StatusOr<SearchSpace> space = SearchSpaceOf(*built->model);
  ASSERT_OK(space);
  ASSERT_EQ(space->choices().size(), 5u);  // op0..op2, skip1, skip2
  EXPECT_THAT(space->find("op0")->candidates,
              ElementsAre("conv3x3", "conv5x5", "sepconv3x3", "maxpool3x3", "identity"));
  EXPECT_THAT(space->find("skip2")->candidates, ElementsAre("op0", "op1"));
  EXPECT_EQ(built->input_shape, (std::vector<int64_t>{1, 28, 28}));
  EXPECT_EQ(built->classes, 10);
}

TEST(SmallCnnTest, OpsOptionChoosesTheCandidates) {
  absl::StatusOr<BuiltSpace> built = MakeSmallCnn(
      Json::parse(R"({"ops": ["maxpool3x3", "conv3x3"], "layers": 1, "channels": 4})"));
  ASSERT_OK(built);
  EXPECT_THAT(SearchSpaceOf(*built->model)->find("op0")->candidates,
              ElementsAre("maxpool3x3", "conv3x3"));
}

TEST(SmallCnnTest, OptionsAreValidated) {
  EXPECT_THAT(MakeSmallCnn(Json::parse(R"({"layers": 0})")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("small_cnn options.layers must be >= 1, got 0")));
  EXPECT_THAT(MakeSmallCnn(Json::parse(R"({"layers": 20000})")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("layers must be <= 64")));
  EXPECT_THAT(MakeSmallCnn(Json::parse(R"({"chanels": 8})")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown member small_cnn options.chanels")));
  EXPECT_THAT(MakeSmallCnn(Json::parse(R"({"ops": []})")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at least one operation")));
  EXPECT_THAT(MakeSmallCnn(Json::parse(R"({"ops": ["conv7x7"]})")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown operation 'conv7x7'; known: conv3x3")));
  EXPECT_THAT(MakeSmallCnn(Json::parse(R"({"ops": ["identity", "identity"]})")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'identity' appears twice")));
}

TEST(SmallCnnTest, OptionsRoundTrip) {
  SmallCnnOptions o;
  o.ops = {"conv5x5", "identity"};
  o.layers = 2;
  absl::StatusOr<SmallCnnOptions> back = SmallCnnOptionsFromJson(SmallCnnOptionsToJson(o));
  ASSERT_OK(back);
  EXPECT_EQ(SmallCnnOptionsToJson(*back), SmallCnnOptionsToJson(o));
}

}  // namespace
}  // namespace nas::random
