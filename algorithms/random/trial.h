// The example trial program of the multi-trial search (:trial): trains one
// fixed architecture of a registered space briefly and reports its
// validation accuracy to the tuner driver.
//
//   tools/bazel run //tools:tune -- --search_space=$PWD/space.json --tuner=evolution (...)
//       (...) --trial_command="$PWD/bazel-bin/algorithms/random/trial --steps=300" ...
//
// Parameters come from --parameters (or NAS_TRIAL_PARAMETERS), the report
// goes to --result (or NAS_TRIAL_RESULT): {"final": valid accuracy,
// "intermediate": [valid accuracy at each evaluation], "metrics":
// {"parameters": ..., "train_loss": ..., "seconds": ...}}.
#ifndef ALGORITHMS_RANDOM_TRIAL_H_
#define ALGORITHMS_RANDOM_TRIAL_H_

#include <string>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/multi_trial/trial.h"

namespace nas::random {

struct TrialJobOptions {
  std::string space = "small_cnn";
  Json space_options = Json::object();
  std::string dataset = "fashion_mnist";
  std::string data_dir;
  int64_t synthetic_size = 2048;
  double train_fraction = 0.9;
  int64_t steps = 300;
  int64_t batch_size = 64;
  double learning_rate = 0.05;   // SGD, momentum 0.9, cosine to 0
  double weight_decay = 1e-4;
  int64_t evaluations = 3;       // validation points (the last is `final`)
  int64_t valid_examples = 2000; // 0: the whole validation split
  uint64_t seed = 0;        // weights, batch order, augmentation
  uint64_t split_seed = 0;  // the train/valid split: keep it fixed across a search
};

absl::Status ValidateTrialJobOptions(const TrialJobOptions& options);

// Trains parameters' architecture and returns the report.
absl::StatusOr<TrialReport> RunTrialJob(const TrialJobOptions& options, const Json& parameters);

}  // namespace nas::random

#endif  // ALGORITHMS_RANDOM_TRIAL_H_
