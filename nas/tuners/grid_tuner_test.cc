#include "nas/tuners/grid_tuner.h"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/core/parameters.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

SearchSpace Space() {
  return *SearchSpace::from_json(Json::parse(R"({
    "op": {"_type": "layer_choice", "_value": ["a", "b", "c"]},
    "two": {"_type": "input_choice", "_value": {"candidates": ["x", "y", "z"], "n_chosen": 2}},
    "any": {"_type": "input_choice", "_value": {"candidates": ["p", "q"]}}})"));
}

TEST(GridTunerTest, EveryArchitectureOncePerRepeatThenOutOfRange) {
  auto factory = TunerRegistry().Lookup("grid");
  ASSERT_OK(factory);
  TunerConfig config;
  config.options = {{"repeats", 2}};
  auto tuner = (*factory)(config);
  ASSERT_OK(tuner);
  SearchSpace space = Space();
  ASSERT_OK((*tuner)->update_search_space(space));
  EXPECT_EQ(static_cast<GridTuner*>(tuner->get())->architectures(), 3 * 3 * 4);
  std::vector<std::string> first, second;
  for (int i = 0; i < 72; ++i) {
    absl::StatusOr<Json> p = (*tuner)->generate_parameters(i);
    ASSERT_OK(p);
    ASSERT_OK(ArchitectureFromParameters(*p, space));
    (i < 36 ? first : second).push_back(p->dump());
  }
  EXPECT_EQ(std::set<std::string>(first.begin(), first.end()).size(), 36u);
  EXPECT_EQ(first, second);  // the same order again
  EXPECT_THAT((*tuner)->generate_parameters(72),
              StatusIs(absl::StatusCode::kOutOfRange,
                       HasSubstr("all 36 architectures proposed 2 time(s)")));
  // In the space's order (any, op, two: keys sorted), the last choice
  // varies fastest; subsets in binary order, combinations lexicographic.
  Json p0 = Json::parse(first[0]), p1 = Json::parse(first[1]), last = Json::parse(first[35]);
  EXPECT_EQ(p0["any"]["_idx"], Json::array());
  EXPECT_EQ(p0["op"]["_value"], "a");
  EXPECT_EQ(p0["two"]["_idx"], Json::array({0, 1}));
  EXPECT_EQ(p1["two"]["_idx"], Json::array({0, 2}));
  EXPECT_EQ(p1["any"]["_idx"], Json::array());
  EXPECT_EQ(last["any"]["_idx"], Json::array({0, 1}));
  EXPECT_EQ(last["op"]["_value"], "c");
  EXPECT_EQ(last["two"]["_idx"], Json::array({1, 2}));
}

TEST(GridTunerTest, BadUse) {
  GridTuner tuner({});
  EXPECT_THAT(tuner.generate_parameters(0), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(tuner.update_search_space(SearchSpace()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no choices")));
  EXPECT_THAT(
      GridTunerOptionsFromJson(Json{{"repeats", 0}}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("repeats must be in [1, 1000]")));
  EXPECT_THAT(GridTunerOptionsFromJson(Json{{"repeat", 2}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown member grid tuner options.repeat")));
  std::vector<ChoiceSpec> big;
  for (int i = 0; i < 8; ++i)
    big.push_back({"c" + std::to_string(i),
                   MutableKind::kLayerChoice,
                   {"a", "b", "c", "d", "e", "f", "g", "h"},
                   std::nullopt});
  EXPECT_THAT(
      tuner.update_search_space(SearchSpace(big)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("more than 1000000 architectures")));
}

}  // namespace
}  // namespace nas
