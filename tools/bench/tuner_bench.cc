// Tuners side by side on a synthetic objective with a known optimum, run
// through the tuner driver: the mean best-so-far over seeds after each
// budget, and the mean score of the last trials (how much a tuner has
// learned), for random, evolution and the policy-gradient tuner.
//
// Objective: 12 layer choices of 4 candidates and 2 input choices (2 of 5,
// and any subset of 4); the score counts decisions equal to a hidden target
// (optimum 14). 4^12 * 10 * 16 = 2.7e9 architectures.
//
// RUN: tools/bazel run //tools/bench:tuner_bench -- --seeds=5 --trials=400
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include <gflags/gflags.h>

#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/multi_trial/evaluator.h"
#include "nas/multi_trial/tuner.h"
#include "nas/multi_trial/tuner_driver.h"

DEFINE_int32(seeds, 5, "Seeds per tuner.");
DEFINE_int32(trials, 400, "Trials per search.");

namespace {

nas::SearchSpace Space() {
  std::vector<nas::ChoiceSpec> choices;
  for (int i = 0; i < 12; ++i) {
    choices.push_back({"op" + std::to_string(i),
                       nas::MutableKind::kLayerChoice,
                       {"a", "b", "c", "d"},
                       std::nullopt});
  }
  choices.push_back(
      {"skip_a", nas::MutableKind::kInputChoice, {"op0", "op1", "op2", "op3", "op4"}, 2});
  choices.push_back(
      {"skip_b", nas::MutableKind::kInputChoice, {"op5", "op6", "op7", "op8"}, std::nullopt});
  return nas::SearchSpace(choices);
}

double Score(const nas::Json& p) {
  double score = 0;
  for (int i = 0; i < 12; ++i)
    score += p["op" + std::to_string(i)]["_idx"].get<int>() == (i * 7 + 1) % 4;
  auto a = p["skip_a"]["_idx"].get<std::vector<int>>();
  std::sort(a.begin(), a.end());
  score += a == std::vector<int>{0, 3};
  auto b = p["skip_b"]["_idx"].get<std::vector<int>>();
  std::sort(b.begin(), b.end());
  score += b == std::vector<int>{1, 2};
  return score;
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("Compares the tuners on a synthetic objective.", &argc, &argv);
  const std::vector<std::pair<std::string, nas::Json>> tuners = {
      {"random", nas::Json::object()},
      {"evolution", {{"population_size", 50}, {"sample_size", 10}}},
      {"rl", nas::Json::object()},
  };
  std::vector<int> checkpoints;
  for (int c : {25, 50, 100, 200, 400, 800, 1600}) {
    if (c < FLAGS_trials) checkpoints.push_back(c);
  }
  checkpoints.push_back(FLAGS_trials);
  char dir_template[] = "/tmp/tuner_bench.XXXXXX";
  std::string root = mkdtemp(dir_template);
  printf(
      "optimum 14; mean over %d seeds of the best score after N trials | mean of the last 50 "
      "trials\n",
      FLAGS_seeds);
  printf("%-10s", "tuner");
  for (int c : checkpoints) printf(" %7d", c);
  printf(" | last 50\n");
  for (const auto& [name, options] : tuners) {
    std::map<int, double> best_at;
    double tail = 0;
    for (int seed = 0; seed < FLAGS_seeds; ++seed) {
      nas::TunerConfig config;
      config.seed = seed;
      config.options = options;
      auto tuner = (*nas::TunerRegistry().Lookup(name))(config);
      std::vector<double> scores;
      nas::InProcessEvaluator evaluator(
          [&](const nas::TrialRequest& t) -> absl::StatusOr<nas::TrialReport> {
            return nas::TrialReport{Score(t.parameters), {}, nas::Json::object()};
          });
      nas::TunerDriverOptions driver;
      driver.output_dir = nas::JoinPath(root, name + std::to_string(seed));
      driver.max_trials = FLAGS_trials;
      driver.seed = seed;
      auto summary = nas::RunSearch(driver, Space(), {{"tuner", name}}, tuner->get(), &evaluator,
                                    [&](const nas::Json& finished, const nas::SearchSummary&) {
                                      scores.push_back(finished["value"].get<double>());
                                    });
      if (!summary.ok()) return nas::ExitWith(summary.status());
      double best = 0;
      for (size_t i = 0; i < scores.size(); ++i) {
        best = std::max(best, scores[i]);
        if (std::find(checkpoints.begin(), checkpoints.end(), static_cast<int>(i + 1)) !=
            checkpoints.end()) {
          best_at[static_cast<int>(i + 1)] += best / FLAGS_seeds;
        }
      }
      for (size_t i = scores.size() - std::min<size_t>(50, scores.size()); i < scores.size(); ++i) {
        tail += scores[i] / 50 / FLAGS_seeds;
      }
    }
    printf("%-10s", name.c_str());
    for (int c : checkpoints) printf(" %7.2f", best_at[c]);
    printf(" | %6.2f\n", tail);
  }
  return 0;
}
