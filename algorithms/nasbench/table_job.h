// Generates the benchmark table (:generate): every architecture of the
// nasbench_cell space trained from scratch with the protocol, `seeds` times,
// and each one's training cost measured alone, written as a BenchmarkTable
// (nas/multi_trial/benchmark_table.h).
//
//   1. costs.json: first, before any trial runs, each architecture's
//      training step timed alone in this process (warm-up steps, then the
//      median of timed steps, with trial_threads threads), and its FLOPs and
//      parameters: train_seconds = steps x the step's time, so that the load
//      of parallel trials (or anything else later) does not distort what
//      searches are charged;
//   2. search/: the grid tuner (nas/tuners/grid_tuner.h) proposes every
//      architecture `seeds` times; the tuner driver runs the :trial program
//      (the shared trial job with the protocol) as `parallel` processes of
//      `trial_threads` threads each, and keeps a history that --resume
//      continues after a kill (finished trials are never rerun; costs
//      already measured are kept);
//   3. table.jsonl: the table, its header naming the protocol, the seeds,
//      the code version (--code_version) and the machine.
//
//   {"preset": "fashion_mnist",
//    "protocol": {...nas::TrialJobOptions...},
//    "seeds": 2, "parallel": 2, "trial_threads": 1,
//    "cost": {"warmup_steps": 2, "timed_steps": 10},
//    "seed": 0}
#ifndef ALGORITHMS_NASBENCH_TABLE_JOB_H_
#define ALGORITHMS_NASBENCH_TABLE_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/jobs/trial_job.h"
#include "nas/multi_trial/benchmark_table.h"

namespace nas::nasbench {

struct CostOptions {
  int warmup_steps = 2;
  int timed_steps = 10;
};

struct TableConfig {
  std::string preset = "fashion_mnist";
  TrialJobOptions protocol;
  int seeds = 2;
  int parallel = 2;
  int trial_threads = 1;
  CostOptions cost;
  uint64_t seed = 0;
};

// Presets: "fashion_mnist" (the committed table: README.md) and "tiny"
// (synthetic data, a 2-channel network and a few steps, for tests).
absl::StatusOr<TableConfig> TablePreset(const std::string& name);
absl::StatusOr<TableConfig> TableConfigFromJson(const Json& j, const std::string& source);
Json TableConfigToJson(const TableConfig& config);

struct TableJobOptions {
  std::string output_dir;
  bool resume = false;
  std::string trial_command;  // "" = the :trial binary next to this one
  std::string code_version;   // recorded in the header
};

// The machine's CPU model (/proc/cpuinfo's "model name"; "unknown"), as
// the table's header records it.
std::string CpuModel();

absl::StatusOr<BenchmarkTable> RunTableJob(const TableConfig& config,
                                           const TableJobOptions& options);

}  // namespace nas::nasbench

#endif  // ALGORITHMS_NASBENCH_TABLE_JOB_H_
