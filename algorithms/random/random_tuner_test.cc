#include "algorithms/random/random_tuner.h"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "algorithms/random/small_cnn.h"
#include "nas/mutable_tree.h"
#include "nas/parameters.h"

namespace nas::random {
namespace {

using ::testing::HasSubstr;

SearchSpace SmallSpace() {
  auto built = MakeSmallCnn(Json::object());
  return *SearchSpaceOf(*built->model);
}

TEST(RandomTunerTest, ProposesValidDistinctParameters) {
  auto tuner = TunerRegistry().Lookup("random");
  ASSERT_TRUE(tuner.ok());
  TunerConfig config;
  config.seed = 3;
  auto t = (*tuner)(config);
  ASSERT_TRUE(t.ok());
  SearchSpace space = SmallSpace();
  ASSERT_TRUE((*t)->update_search_space(space).ok());
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto params = (*t)->generate_parameters(i);
    ASSERT_TRUE(params.ok()) << params.status().message();
    EXPECT_TRUE(ArchitectureFromParameters(*params, space).ok());
    EXPECT_TRUE(seen.insert(params->dump()).second) << "duplicate proposal " << i;
    ASSERT_TRUE((*t)->receive_trial_result(i, *params, i % 7).ok());
  }
  auto* random = static_cast<RandomTuner*>(t->get());
  EXPECT_EQ(random->best_value(), 6);
}

TEST(RandomTunerTest, SameSeedSameProposals) {
  RandomTuner a({}, 9), b({}, 9);
  ASSERT_TRUE(a.update_search_space(SmallSpace()).ok());
  ASSERT_TRUE(b.update_search_space(SmallSpace()).ok());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(*a.generate_parameters(i), *b.generate_parameters(i));
}

TEST(RandomTunerTest, BadUse) {
  RandomTuner t({}, 0);
  EXPECT_THAT(std::string(t.generate_parameters(0).status().message()),
              HasSubstr("update_search_space() was not called"));
  EXPECT_THAT(std::string(t.update_search_space(SearchSpace()).message()),
              HasSubstr("no choices"));
  TunerConfig config;
  config.options = Json::parse(R"({"dedupe": false})");
  EXPECT_THAT(std::string((*TunerRegistry().Lookup("random"))(config).status().message()),
              HasSubstr("unknown member random tuner options.dedupe"));
  EXPECT_THAT(std::string(TunerRegistry().Lookup("evolutionn").status().message()),
              HasSubstr("unknown tuner 'evolutionn'; registered: random"));
}

TEST(SmallCnnTest, OptionsAreValidated) {
  EXPECT_THAT(std::string(MakeSmallCnn(Json::parse(R"({"layers": 0})")).status().message()),
              HasSubstr("small_cnn options.layers must be >= 1, got 0"));
  EXPECT_THAT(std::string(MakeSmallCnn(Json::parse(R"({"chanels": 8})")).status().message()),
              HasSubstr("unknown member small_cnn options.chanels"));
}

}  // namespace
}  // namespace nas::random
