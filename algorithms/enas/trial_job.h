// One trial of the multi-trial ENAS search (:trial, run by :rl_tuner):
// trains one fixed architecture of an ENAS space briefly and reports its
// validation accuracy (the trial protocol of nas/multi_trial/trial.h).
//
// Parameters come from --parameters (or NAS_TRIAL_PARAMETERS), the report
// goes to --result (or NAS_TRIAL_RESULT): {"final": valid accuracy,
// "intermediate": [valid accuracy at each evaluation], "metrics":
// {"parameters": ..., "train_loss": ..., "seconds": ...}}.
#ifndef ALGORITHMS_ENAS_TRIAL_JOB_H_
#define ALGORITHMS_ENAS_TRIAL_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/multi_trial/trial.h"

namespace nas::enas {

struct TrialJobOptions {
  std::string space = "enas_macro";
  Json space_options = {{"preset", "fashion_mnist"}};
  std::string dataset = "fashion_mnist";
  std::string data_dir;
  int64_t synthetic_size = 2048;
  double train_fraction = 0.9;    // the same split as :search
  int64_t steps = 200;
  int64_t batch_size = 64;
  double learning_rate = 0.05;    // SGD, momentum 0.9, cosine to 0
  double weight_decay = 1e-4;
  int64_t evaluations = 2;        // validation points (the last is `final`)
  int64_t valid_examples = 2000;  // 0: the whole validation split
  uint64_t seed = 0;              // weights, batch order, augmentation
  uint64_t split_seed = 0;        // the train/valid split: fixed across a search
};

absl::Status ValidateTrialJobOptions(const TrialJobOptions& options);

// Trains the architecture in `parameters` (NNI {_value, _idx}) and returns
// the report. InvalidArgument naming the key for parameters that do not fit
// the space.
absl::StatusOr<TrialReport> RunTrialJob(const TrialJobOptions& options, const Json& parameters);

}  // namespace nas::enas

#endif  // ALGORITHMS_ENAS_TRIAL_JOB_H_
