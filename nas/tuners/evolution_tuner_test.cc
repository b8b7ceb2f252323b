#include "nas/tuners/evolution_tuner.h"

#include <cstdio>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/core/parameters.h"

namespace nas {
namespace {

using ::testing::HasSubstr;

// 8 layer choices of 4 candidates and an input choice picking 2 of 5: the
// score counts the decisions equal to a hidden target (optimum 9).
SearchSpace Space() {
  std::vector<ChoiceSpec> choices;
  for (int i = 0; i < 8; ++i) {
    choices.push_back(
        {"op" + std::to_string(i), MutableKind::kLayerChoice, {"a", "b", "c", "d"}, std::nullopt});
  }
  choices.push_back({"skip", MutableKind::kInputChoice, {"op0", "op1", "op2", "op3", "op4"}, 2});
  return SearchSpace(choices);
}

double Score(const Json& params) {
  double score = 0;
  for (int i = 0; i < 8; ++i) {
    score += params["op" + std::to_string(i)]["_idx"].get<int>() == (i * 3) % 4;
  }
  auto idx = params["skip"]["_idx"].get<std::vector<int>>();
  std::sort(idx.begin(), idx.end());
  score += idx == std::vector<int>{1, 3};
  return score;
}

// Best score within `budget` trials, and the score history.
std::pair<double, std::vector<double>> Search(const std::string& name, uint64_t seed,
                                              const Json& options, int budget) {
  TunerConfig config;
  config.seed = seed;
  config.options = options;
  auto tuner = (*TunerRegistry().Lookup(name))(config);
  EXPECT_TRUE(tuner.ok()) << tuner.status().message();
  EXPECT_TRUE((*tuner)->update_search_space(Space()).ok());
  double best = -1;
  std::vector<double> history;
  for (int id = 0; id < budget; ++id) {
    auto params = (*tuner)->generate_parameters(id);
    EXPECT_TRUE(params.ok());
    EXPECT_TRUE(ArchitectureFromParameters(*params, Space()).ok()) << params->dump();
    double s = Score(*params);
    EXPECT_TRUE((*tuner)->receive_trial_result(id, *params, s).ok());
    best = std::max(best, s);
    history.push_back(s);
  }
  return {best, history};
}

TEST(EvolutionTunerTest, FindsTheOptimumWhereRandomDoesNot) {
  Json options = {{"population_size", 20}, {"sample_size", 5}};
  auto [evolution_best, evolution_curve] = Search("evolution", 1, options, 300);
  // With a population as large as the budget, evolution never breeds: its
  // proposals are uniformly random, the baseline to beat.
  Json random_options = {{"population_size", 300}, {"sample_size", 5}};
  auto [random_best, random_curve] = Search("evolution", 1, random_options, 300);
  EXPECT_EQ(evolution_best, 9);
  EXPECT_LT(random_best, evolution_best);
  // The last 50 proposals of evolution are much better than random's.
  double evolution_tail = 0, random_tail = 0;
  for (int i = 250; i < 300; ++i) {
    evolution_tail += evolution_curve[i] / 50;
    random_tail += random_curve[i] / 50;
  }
  EXPECT_GT(evolution_tail, random_tail + 3);
  printf("300 trials: best evolution %.0f vs random %.0f; mean of the last 50: %.2f vs %.2f\n",
         evolution_best, random_best, evolution_tail, random_tail);
}

TEST(EvolutionTunerTest, DeterministicUnderASeed) {
  Json options = {{"population_size", 10}, {"sample_size", 3}};
  EXPECT_EQ(Search("evolution", 7, options, 60).second, Search("evolution", 7, options, 60).second);
  EXPECT_NE(Search("evolution", 7, options, 60).second, Search("evolution", 8, options, 60).second);
}

TEST(EvolutionTunerTest, AgesOutTheOldestAndKeepsTheBestSeen) {
  EvolutionTuner tuner({3, 2, 10}, 0);
  ASSERT_TRUE(tuner.update_search_space(Space()).ok());
  for (int id = 0; id < 10; ++id) {
    auto p = tuner.generate_parameters(id);
    ASSERT_TRUE(p.ok());
    ASSERT_TRUE(tuner.receive_trial_result(id, *p, id == 0 ? 100 : id).ok());
  }
  EXPECT_EQ(tuner.population(), 3u);
  EXPECT_EQ(tuner.best_value(), 100);  // aged out of the population, still the answer
}

TEST(EvolutionTunerTest, BadUse) {
  EvolutionTuner tuner({}, 0);
  EXPECT_THAT(std::string(tuner.generate_parameters(0).status().message()),
              HasSubstr("update_search_space() was not called"));
  TunerConfig config;
  config.options = {{"population_size", 5}, {"sample_size", 6}};
  EXPECT_THAT(std::string((*TunerRegistry().Lookup("evolution"))(config).status().message()),
              HasSubstr("1 <= sample_size <= population_size"));
  config.options = {{"populaton_size", 5}};
  EXPECT_THAT(std::string((*TunerRegistry().Lookup("evolution"))(config).status().message()),
              HasSubstr("unknown member evolution tuner options.populaton_size"));
  ASSERT_TRUE(tuner.update_search_space(Space()).ok());
  EXPECT_THAT(std::string(tuner.receive_trial_result(0, Json::parse(R"({"op0": 1})"), 1).message()),
              HasSubstr("$.op0: expected object, got integer 1"));
}

}  // namespace
}  // namespace nas
