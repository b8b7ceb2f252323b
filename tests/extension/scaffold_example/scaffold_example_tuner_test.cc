// ScaffoldExampleTuner through the registry: valid, distinct, deterministic
// proposals; the best result is kept; bad options and bad use are errors.
#include "tests/extension/scaffold_example/scaffold_example_tuner.h"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/core/mutable_tree.h"
#include "nas/core/parameters.h"
#include "tests/extension/scaffold_example/scaffold_example_space.h"

namespace nas::scaffold_example {
namespace {

using ::testing::HasSubstr;

SearchSpace Space() {
  auto built = MakeScaffoldExampleNet(Json::parse(R"({"layers": 3})"));
  return *SearchSpaceOf(*built->model);
}

TEST(ScaffoldExampleTunerTest, ProposesValidDistinctParameters) {
  auto factory = TunerRegistry().Lookup("scaffold_example");
  ASSERT_TRUE(factory.ok()) << factory.status().message();
  TunerConfig config;
  config.seed = 3;
  auto tuner = (*factory)(config);
  ASSERT_TRUE(tuner.ok()) << tuner.status().message();
  SearchSpace space = Space();
  ASSERT_TRUE((*tuner)->update_search_space(space).ok());
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto params = (*tuner)->generate_parameters(i);
    ASSERT_TRUE(params.ok()) << params.status().message();
    EXPECT_TRUE(ArchitectureFromParameters(*params, space).ok()) << params->dump();
    EXPECT_TRUE(seen.insert(params->dump()).second) << "duplicate proposal " << i;
    ASSERT_TRUE((*tuner)->receive_trial_result(i, *params, i % 7).ok());
  }
  EXPECT_EQ(static_cast<ScaffoldExampleTuner*>(tuner->get())->best_value(), 6);
}

TEST(ScaffoldExampleTunerTest, SameSeedSameProposals) {
  ScaffoldExampleTuner a({}, 9), b({}, 9);
  ASSERT_TRUE(a.update_search_space(Space()).ok());
  ASSERT_TRUE(b.update_search_space(Space()).ok());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(*a.generate_parameters(i), *b.generate_parameters(i));
}

TEST(ScaffoldExampleTunerTest, BadOptionsAndBadUse) {
  ScaffoldExampleTuner tuner({}, 0);
  EXPECT_THAT(std::string(tuner.generate_parameters(0).status().message()),
              HasSubstr("update_search_space() was not called"));
  EXPECT_THAT(std::string(tuner.update_search_space(SearchSpace()).message()),
              HasSubstr("no choices"));
  TunerConfig config;
  config.options = Json::parse(R"({"max_attempt": 3})");
  EXPECT_THAT(std::string((*TunerRegistry().Lookup("scaffold_example"))(config).status().message()),
              HasSubstr("unknown member scaffold_example tuner options.max_attempt"));
  config.options = Json::parse(R"({"max_attempts": 0})");
  EXPECT_THAT(std::string((*TunerRegistry().Lookup("scaffold_example"))(config).status().message()),
              HasSubstr("max_attempts must be >= 1"));
}

TEST(ScaffoldExampleNetTest, OptionsAreValidated) {
  EXPECT_TRUE(SpaceRegistry().Contains("scaffold_example_net"));
  EXPECT_THAT(
      std::string(MakeScaffoldExampleNet(Json::parse(R"({"layers": 0})")).status().message()),
      HasSubstr("scaffold_example_net options.layers must be >= 1, got 0"));
  EXPECT_THAT(
      std::string(MakeScaffoldExampleNet(Json::parse(R"({"layer": 2})")).status().message()),
      HasSubstr("unknown member scaffold_example_net options.layer"));
}

}  // namespace
}  // namespace nas::scaffold_example
