#include "nas/tuners/policy_gradient_tuner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/core/architecture.h"
#include "nas/core/parameters.h"
#include "nas/core/uniform_sampling.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

// 8 layer choices of 4 candidates and an input choice picking 2 of 5: the
// score counts the decisions equal to a hidden target (optimum 9). The same
// objective as evolution_tuner_test.cc.
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

// One choice of each distribution kind, layer choices of different sizes.
SearchSpace MixedSpace() {
  return SearchSpace({{"op", MutableKind::kLayerChoice, {"a", "b", "c", "d"}, std::nullopt},
                      {"pool", MutableKind::kLayerChoice, {"max", "avg"}, std::nullopt},
                      {"skip", MutableKind::kInputChoice, {"x0", "x1", "x2", "x3", "x4"}, 2},
                      {"any", MutableKind::kInputChoice, {"y0", "y1", "y2"}, std::nullopt}});
}

std::unique_ptr<Tuner> MakeTuner(const std::string& name, uint64_t seed, const Json& options) {
  TunerConfig config;
  config.seed = seed;
  config.options = options;
  auto factory = TunerRegistry().Lookup(name);
  EXPECT_OK(factory);
  auto tuner = (*factory)(config);
  EXPECT_OK(tuner);
  return std::move(*tuner);
}

struct Trials {
  std::vector<double> scores;          // per trial, in id order
  std::vector<std::string> proposals;  // the parameters' JSON text
};

// `budget` trials, `parallel` outstanding at a time: generate that many,
// then report them all.
Trials Search(const std::string& name, uint64_t seed, const Json& options, int budget,
              int parallel = 1) {
  std::unique_ptr<Tuner> tuner = MakeTuner(name, seed, options);
  EXPECT_OK(tuner->update_search_space(Space()));
  Trials run;
  for (int first = 0; first < budget; first += parallel) {
    std::vector<Json> batch;
    for (int id = first; id < first + parallel; ++id) {
      auto params = tuner->generate_parameters(id);
      EXPECT_OK(params);
      EXPECT_OK(ArchitectureFromParameters(*params, Space())) << params->dump();
      batch.push_back(*params);
    }
    for (int k = 0; k < parallel; ++k) {
      double s = Score(batch[k]);
      absl::Status status = tuner->receive_trial_result(first + k, batch[k], s);
      EXPECT_OK(status);
      run.scores.push_back(s);
      run.proposals.push_back(batch[k].dump());
    }
  }
  return run;
}

// Uniformly random proposals: the baseline to beat.
Trials RandomSearch(uint64_t seed, int budget) {
  std::mt19937_64 rng(seed);
  SearchSpace space = Space();
  Trials run;
  for (int i = 0; i < budget; ++i) {
    auto params = ParametersFromArchitecture(
        Architecture::from_decisions(SampleUniformDecisions(space, rng), space), space);
    EXPECT_OK(params);
    run.scores.push_back(Score(*params));
    run.proposals.push_back(params->dump());
  }
  return run;
}

double Best(const std::vector<double>& scores, int end) {
  return *std::max_element(scores.begin(), scores.begin() + end);
}

double Mean(const std::vector<double>& scores, int begin, int end) {
  double sum = 0;
  for (int i = begin; i < end; ++i) sum += scores[i];
  return sum / (end - begin);
}

void PrintCurves(const char* label, const Trials& run, const Trials& uniform) {
  printf("%s: trials | best so far (uniform) | mean of those 50 (uniform)\n", label);
  for (int end = 50; end <= static_cast<int>(run.scores.size()); end += 50) {
    printf("  %4d | %.0f (%.0f) | %.2f (%.2f)\n", end, Best(run.scores, end),
           Best(uniform.scores, end), Mean(run.scores, end - 50, end),
           Mean(uniform.scores, end - 50, end));
  }
}

TEST(PolicyGradientTunerTest, RegisteredAsRlAndPolicyGradient) {
  EXPECT_TRUE(TunerRegistry().Contains("rl"));
  EXPECT_TRUE(TunerRegistry().Contains("policy_gradient"));
}

TEST(PolicyGradientTunerTest, BaselineIsAMovingAverageStartingAtTheFirstReward) {
  PolicyGradientTunerOptions options;
  options.baseline_decay = 0.75;
  PolicyGradientTuner tuner(options, 0);
  ASSERT_OK(tuner.update_search_space(MixedSpace()));
  EXPECT_FALSE(tuner.baseline().has_value());
  double expected = 0;
  const std::vector<double> values = {4, 8, 2, 10};
  for (int id = 0; id < 4; ++id) {
    auto p = tuner.generate_parameters(id);
    ASSERT_OK(p);
    ASSERT_OK(tuner.receive_trial_result(id, *p, values[id]));
    expected = id == 0 ? values[0] : 0.75 * expected + 0.25 * values[id];
    ASSERT_TRUE(tuner.baseline().has_value());
    EXPECT_DOUBLE_EQ(*tuner.baseline(), expected) << "after result " << id;
    if (id == 0) {
      // Advantage 0 and no entropy gradient at uniform logits: no change.
      EXPECT_THAT(*tuner.logits("op"), ::testing::Each(0.0));
    }
  }
  EXPECT_EQ(tuner.updates(), 4);
}

TEST(PolicyGradientTunerTest, ARewardAboveTheBaselineMakesItsSampleMoreLikely) {
  PolicyGradientTuner tuner({}, 5);
  ASSERT_OK(tuner.update_search_space(MixedSpace()));
  auto first = tuner.generate_parameters(0);
  ASSERT_OK(first);
  ASSERT_OK(tuner.receive_trial_result(0, *first, 0));  // the baseline: 0
  auto second = tuner.generate_parameters(1);
  ASSERT_OK(second);
  ASSERT_OK(tuner.receive_trial_result(1, *second, 1));  // advantage +1
  for (const std::string key : {"op", "pool"}) {
    std::vector<double> p = *tuner.probabilities(key);
    int chosen = (*second)[key]["_idx"].get<int>();
    EXPECT_GT(p[chosen], 1.0 / p.size()) << key;
  }
  std::vector<double> any = *tuner.probabilities("any");
  std::vector<int> on = (*second)["any"]["_idx"].get<std::vector<int>>();
  for (int i = 0; i < 3; ++i) {
    bool chosen = std::count(on.begin(), on.end(), i) > 0;
    EXPECT_EQ(any[i] > 0.5, chosen) << i;
  }
}

TEST(PolicyGradientTunerTest, EqualRewardsLetTheEntropyBonusFlattenAPeakedPolicy) {
  PolicyGradientTunerOptions options;
  options.entropy_weight = 0.1;
  PolicyGradientTuner tuner(options, 0);
  ASSERT_OK(tuner.update_search_space(MixedSpace()));
  ASSERT_OK(tuner.set_logits("op", {3, 0, 0, -1}));
  ASSERT_OK(tuner.set_logits("skip", {2, 1, 0, 0, -2}));
  ASSERT_OK(tuner.set_logits("any", {3, -3, 2}));
  auto before_op = *tuner.probabilities("op"), before_skip = *tuner.probabilities("skip"),
       before_any = *tuner.probabilities("any");
  for (int id = 0; id < 20; ++id) {
    auto p = tuner.generate_parameters(id);
    ASSERT_OK(p);
    ASSERT_OK(tuner.receive_trial_result(id, *p, 5));  // advantage always 0
  }
  auto after_op = *tuner.probabilities("op"), after_skip = *tuner.probabilities("skip"),
       after_any = *tuner.probabilities("any");
  EXPECT_LT(after_op[0], before_op[0]);
  EXPECT_GT(after_op[3], before_op[3]);
  EXPECT_LT(after_skip[0], before_skip[0]);
  EXPECT_GT(after_skip[4], before_skip[4]);
  for (int i = 0; i < 3; ++i) {
    EXPECT_LT(std::abs(after_any[i] - 0.5), std::abs(before_any[i] - 0.5)) << i;
  }
  EXPECT_EQ(*tuner.baseline(), 5);
}

TEST(PolicyGradientTunerTest, FindsTheOptimumAndBeatsRandom) {
  Trials rl = Search("rl", 1, Json::object(), 300);
  Trials uniform = RandomSearch(1, 300);
  PrintCurves("rl, batch_size 1", rl, uniform);
  EXPECT_EQ(Best(rl.scores, 300), 9);
  EXPECT_LT(Best(uniform.scores, 300), 9);
  EXPECT_GT(Mean(rl.scores, 250, 300), Mean(uniform.scores, 250, 300) + 4);
}

TEST(PolicyGradientTunerTest, LearnsWithParallelTrialsInBatches) {
  Trials rl = Search("policy_gradient", 1, {{"batch_size", 4}}, 300, /*parallel=*/4);
  Trials uniform = RandomSearch(1, 300);
  PrintCurves("policy_gradient, batch_size 4, 4 outstanding", rl, uniform);
  EXPECT_GT(Mean(rl.scores, 250, 300), Mean(uniform.scores, 250, 300) + 3);
  EXPECT_GT(Mean(rl.scores, 250, 300), Mean(rl.scores, 0, 50) + 3);
}

TEST(PolicyGradientTunerTest, UpdatesOncePerBatchAndConvergesToItsMode) {
  PolicyGradientTunerOptions options;
  options.batch_size = 3;
  PolicyGradientTuner tuner(options, 2);
  ASSERT_OK(tuner.update_search_space(Space()));
  std::vector<double> logits;
  for (int id = 0; id < 200; ++id) {
    auto p = tuner.generate_parameters(id);
    ASSERT_OK(p);
    ASSERT_OK(tuner.receive_trial_result(id, *p, Score(*p)));
    EXPECT_EQ(tuner.updates(), (id + 1) / 3);
  }
  auto mode = tuner.most_likely_parameters();
  ASSERT_OK(mode);
  ASSERT_OK(ArchitectureFromParameters(*mode, Space())) << mode->dump();
  EXPECT_GE(Score(*mode), 8) << mode->dump();
  EXPECT_GE(tuner.best_value(), Score(*mode) - 1);
  EXPECT_EQ(Score(tuner.best_parameters()), tuner.best_value());
}

TEST(PolicyGradientTunerTest, DeterministicUnderASeed) {
  Json options = {{"batch_size", 2}};
  EXPECT_EQ(Search("rl", 7, options, 60, 2).proposals, Search("rl", 7, options, 60, 2).proposals);
  EXPECT_NE(Search("rl", 7, options, 60, 2).proposals, Search("rl", 8, options, 60, 2).proposals);
}

TEST(PolicyGradientTunerTest, BadOptionsNameTheOption) {
  auto create = [](const Json& options) {
    TunerConfig config;
    config.options = options;
    return (*TunerRegistry().Lookup("rl"))(config).status();
  };
  auto invalid = [](const std::string& message) {
    return StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(message));
  };
  EXPECT_THAT(create({{"lerning_rate", 0.1}}),
              invalid("unknown member policy gradient tuner options.lerning_rate"));
  EXPECT_THAT(create({{"learning_rate", -0.5}}), invalid("learning_rate must be > 0, got -0.5"));
  EXPECT_THAT(create({{"learning_rate", "fast"}}), invalid("learning_rate"));
  EXPECT_THAT(create({{"batch_size", 0}}), invalid("batch_size must be >= 1, got 0"));
  EXPECT_THAT(create({{"batch_size", 1.5}}), invalid("batch_size"));
  EXPECT_THAT(create({{"baseline_decay", 1}}), invalid("baseline_decay must be in [0, 1)"));
  EXPECT_THAT(create({{"entropy_weight", -1}}), invalid("entropy_weight must be >= 0"));
}

TEST(PolicyGradientTunerTest, BadUse) {
  PolicyGradientTuner tuner({}, 0);
  EXPECT_THAT(tuner.generate_parameters(0),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("update_search_space() was not called")));
  EXPECT_THAT(tuner.most_likely_parameters(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("update_search_space() was not called")));

  EXPECT_THAT(
      tuner.update_search_space(SearchSpace()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("the search space has no choices")));
  EXPECT_THAT(
      tuner.update_search_space(SearchSpace({{"in", MutableKind::kInputChoice, {"a", "b"}, 3}})),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("input choice 'in': n_chosen 3 is outside [0, 2]")));

  ASSERT_OK(tuner.update_search_space(Space()));
  auto p = tuner.generate_parameters(1);
  ASSERT_OK(p);
  EXPECT_THAT(tuner.receive_trial_result(42, *p, 1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no outstanding proposal with parameter id 42")));
  EXPECT_THAT(tuner.generate_parameters(1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("parameter id 1 is already outstanding")));
  EXPECT_THAT(tuner.receive_trial_result(1, *p, NAN),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not finite")));
  Json other = *p;
  other["op0"] = {{"_value", other["op0"]["_value"] == "a" ? "b" : "a"},
                  {"_idx", other["op0"]["_idx"] == 0 ? 1 : 0}};
  EXPECT_THAT(tuner.receive_trial_result(1, other, 1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not the ones proposed for it (key 'op0')")));
  EXPECT_THAT(tuner.receive_trial_result(1, Json::parse(R"({"op0": 1})"), 1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("parameter id 1")));
  EXPECT_EQ(tuner.outstanding(), 1u);  // errors change nothing

  tuner.trial_end(1, /*success=*/false);
  EXPECT_EQ(tuner.outstanding(), 0u);
  EXPECT_THAT(tuner.receive_trial_result(1, *p, 1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no outstanding proposal with parameter id 1")));
  EXPECT_FALSE(tuner.baseline().has_value());
  EXPECT_EQ(tuner.updates(), 0);

  EXPECT_THAT(tuner.probabilities("nope"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no choice key 'nope'")));
  EXPECT_THAT(tuner.set_logits("op0", {1, 2}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("key 'op0' has 4 candidates, got 2 logits")));
}

}  // namespace
}  // namespace nas
