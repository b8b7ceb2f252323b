// The search job of the scaffold_example package (:search), in two phases on the
// shared job library (nas/jobs):
//   1. trains the supernet of a registered space with ScaffoldExampleTrainer
//      (nas/jobs/supernet_job.h; data-parallel when launched with several
//      processes);
//   2. runs the "scaffold_example" tuner over the supernet (nas/jobs/
//      supernet_search.h): each proposed architecture is scored on the
//      supernet after BN recalibration, on the held-out split.
// Writes into output_dir:
//   config.json                  the resolved configuration
//   metrics.jsonl, tensorboard/  phase 1 metrics
//   checkpoints/, supernet.pt    phase 1 checkpoints (--resume) and weights
//   search/history.jsonl         phase 2: every proposal and its score
//   search/best_architecture.json, search/summary.json
//
// The configuration (nas/jobs/supernet_config.h), section "scaffold_example":
//
//   {"preset": "default", "space": "scaffold_example_net", "space_options": {},
//    "data": {...}, "trainer": {...},
//    "scaffold_example": {"optimizer": {...ScaffoldExampleTrainerOptions...},
//               "search": {"tuner": "scaffold_example", "tuner_options": {}, "max_trials": 20,
//                          "evaluation": {"recalibration_batches": 20, "eval_batches": 10}}},
//    "seed": 0}
#ifndef TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SEARCH_JOB_H_
#define TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SEARCH_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "nas/jobs/supernet_config.h"
#include "nas/jobs/supernet_search.h"
#include "tests/extension/scaffold_example/scaffold_example_trainer.h"

namespace nas::scaffold_example {

// The package's section of the configuration.
struct ScaffoldExampleOptions {
  ScaffoldExampleTrainerOptions optimizer;
  SupernetSearchOptions search;
};
absl::Status ScaffoldExampleOptionsFromJson(const Json& j, const std::string& path,
                                            ScaffoldExampleOptions* out);
Json ScaffoldExampleOptionsToJson(const ScaffoldExampleOptions& options);

using SearchConfig = SupernetConfig<ScaffoldExampleOptions>;

// Presets: "default".
const SupernetConfigSchema<ScaffoldExampleOptions>& SearchConfigSchema();

absl::StatusOr<SearchSummary> RunSearchJob(const SearchConfig& config,
                                           const std::string& output_dir, bool resume);

}  // namespace nas::scaffold_example

#endif  // TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SEARCH_JOB_H_
