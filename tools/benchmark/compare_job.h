// The comparison (:compare): every search of the project judged on a
// benchmark table (nas/multi_trial/benchmark_table.h; the committed one is
// algorithms/nasbench/table.jsonl), written as report.md, report.json and
// SVG plots in the output folder.
//
//   1. the table itself: the distribution of its accuracies (best, median,
//      quantiles, worst) and its noise (the median seed-to-seed std of one
//      architecture next to the std across architectures);
//   2. multi-trial tuners (random, aging evolution, policy gradient, SPOS
//      evolution) against the table (TableEvaluator): each run charges the
//      recorded training time to a simulated clock and stops at
//      `budget_seconds`; the best test accuracy of the architecture with the
//      best validation accuracy seen so far, mean ± std over `tuner_seeds`
//      runs, as curves over simulated time and a table in the shape of
//      NAS-Bench-201's Table 5;
//   3. one-shot methods (every method registered in OneShotMethodRegistry,
//      or `methods`) on the table's space and data (the table protocol's
//      dataset and train / valid split; the supernet's BN without affine
//      parameters), `method_seeds` times each: the architecture found, its
//      true test accuracy, rank and percentile in the table, the search's
//      wall time; for every weight-sharing supernet, Kendall's tau-b and
//      Spearman's rho between its score of every architecture in the table
//      (BN recalibrated) and the true accuracy, next to the same statistics
//      for FLOPs and parameters, and tau-b inside the true top 10%, with a
//      scatter plot.
//
// "True accuracy" is an architecture's test accuracy averaged over the
// table's seeds; ranks count from 1 = the best by it.
//
//   {"preset": "default",            (or "quick")
//    "table": "algorithms/nasbench/table.jsonl",
//    "data_dir": "",                  the dataset's folder ("" = its default)
//    "methods": [],                   one-shot methods ([] = all registered)
//    "method_seeds": 2, "epochs": 0.5, supernet budget, epochs of data.train
//                                     (0.5: the images of one stand-alone
//                                     training of the table)
//    "rank_seeds": 1,                 seeds per method whose supernet scores
//                                     every architecture of the table
//    "method_options": {"spos": {...}},
//    "rank_all": true,                score every architecture on supernets
//    "ranking_evaluation": {"recalibration_batches": 4, "eval_batches": 4},
//    "tuners": ["random", "evolution", "policy_gradient", "spos_evolution"],
//    "tuner_options": {"evolution": {...}, ...},
//    "tuner_seeds": 20,
//    "budget_seconds": 0,             0 = 10% of the table's training time
//    "seed": 0}
#ifndef TOOLS_BENCHMARK_COMPARE_JOB_H_
#define TOOLS_BENCHMARK_COMPARE_JOB_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/train/supernet_evaluator.h"

namespace nas::benchmark {

struct CompareConfig {
  std::string preset = "default";
  std::string table = "algorithms/nasbench/table.jsonl";
  std::string data_dir;
  std::vector<std::string> methods;
  int method_seeds = 2;
  int rank_seeds = 1;
  double epochs = 0.5;
  Json method_options = Json::object();
  bool rank_all = true;
  SupernetEvaluationOptions ranking_evaluation;
  std::vector<std::string> tuners = {"random", "evolution", "policy_gradient", "spos_evolution"};
  Json tuner_options = Json::object();
  int tuner_seeds = 20;
  double budget_seconds = 0;
  uint64_t seed = 0;
};

// "default" (2 seeds per method, half an epoch: 27 minutes on a 2-core
// machine with the committed table; algorithms/nasbench/README.md) and
// "quick" (one seed per method, a quarter epoch, 2 scoring batches; about
// 10 minutes, estimated from the default's per-method costs).
absl::StatusOr<CompareConfig> ComparePreset(const std::string& name);
absl::StatusOr<CompareConfig> CompareConfigFromJson(const Json& j, const std::string& source);
Json CompareConfigToJson(const CompareConfig& config);

// Runs the comparison and writes the report into output_dir; returns
// report.json's document. A method or tuner that fails is reported (its
// error in the report) and makes the result an error after the report is
// written; a missing, truncated or foreign table fails first.
absl::StatusOr<Json> RunComparison(const CompareConfig& config, const std::string& output_dir);

}  // namespace nas::benchmark

#endif  // TOOLS_BENCHMARK_COMPARE_JOB_H_
