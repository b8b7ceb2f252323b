#include "nas/tuners/random_tuner.h"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/core/parameters.h"

namespace nas {
namespace {

using ::testing::HasSubstr;

// Three layer choices and an input choice: 3 * 3 * 2 * 6 = 108 architectures.
SearchSpace SmallSpace() {
  return *SearchSpace::from_json(Json::parse(R"({
    "op1": {"_type": "layer_choice", "_value": ["conv3x3", "conv5x5", "maxpool"]},
    "op2": {"_type": "layer_choice", "_value": ["conv3x3", "conv5x5", "maxpool"]},
    "act": {"_type": "layer_choice", "_value": ["relu", "tanh"]},
    "skip": {"_type": "input_choice", "_value": {"candidates": ["a", "b", "c", "d"], "n_chosen": 2}}})"));
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
  EXPECT_THAT(std::string(t.update_search_space(SearchSpace()).message()), HasSubstr("no choices"));
  TunerConfig config;
  config.options = Json::parse(R"({"dedupe": false})");
  EXPECT_THAT(std::string((*TunerRegistry().Lookup("random"))(config).status().message()),
              HasSubstr("unknown member random tuner options.dedupe"));
  EXPECT_THAT(std::string(TunerRegistry().Lookup("evolutionn").status().message()),
              HasSubstr("unknown tuner 'evolutionn'; registered: random"));
}

}  // namespace
}  // namespace nas
