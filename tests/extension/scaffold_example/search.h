// The search job of the scaffold_example package (:search), in two phases:
//   1. trains the supernet of a registered space with ScaffoldExampleTrainer
//      (data-parallel when launched with several processes);
//   2. runs the "scaffold_example" tuner over the supernet with the tuner driver:
//      each proposed architecture is scored on the supernet by its accuracy
//      on up to `eval_batches` batches of the held-out split.
// Writes into output_dir:
//   config.json                  the resolved options
//   metrics.jsonl, tensorboard/  phase 1 metrics
//   checkpoints/, supernet.pt    phase 1 checkpoints (--resume) and weights
//   search/history.jsonl         phase 2: every proposal and its score
//   search/best_architecture.json, search/summary.json
#ifndef TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SEARCH_H_
#define TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SEARCH_H_

#include <string>

#include "absl/status/statusor.h"
#include "tests/extension/scaffold_example/scaffold_example_trainer.h"
#include "nas/base/json.h"
#include "nas/train/trainer.h"
#include "nas/multi_trial/tuner_driver.h"

namespace nas::scaffold_example {

struct SearchJobOptions {
  std::string space = "scaffold_example_net";
  Json space_options = Json::object();
  std::string dataset = "fashion_mnist";
  std::string data_dir;
  int64_t synthetic_size = 2048;
  double train_fraction = 0.9;
  int64_t batch_size = 64;
  int workers = 2;
  uint64_t seed = 0;
  TrainerOptions trainer;              // trainer.output_dir is the job's output_dir
  ScaffoldExampleTrainerOptions optimizer;
  Json tuner_options = Json::object();
  int64_t max_trials = 20;
  int64_t eval_batches = 10;           // 0 = the whole held-out split
};

// Strict: unknown members and out-of-range values are errors.
absl::Status SearchJobOptionsFromJson(const Json& j, SearchJobOptions* out);
Json SearchJobOptionsToJson(const SearchJobOptions& options);

absl::StatusOr<SearchSummary> RunSearchJob(SearchJobOptions options);

}  // namespace nas::scaffold_example

#endif  // TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SEARCH_H_
