// The trial job: trains one fixed architecture of a registered space for a
// few steps and reports its validation accuracy, the trial protocol's way
// (nas/multi_trial/trial.h). Every package's trial program runs it with its
// own defaults (TrialJobOptions), on the trainer base with
// ClassifierTrainer (nas/train/classifier_trainer.h).
//
//   {"space": "small_cnn", "space_options": {},
//    "data": {...DataOptions...},            (valid_examples caps the score set)
//    "steps": 300, "evaluations": 3,        (validation points; the last is `final`)
//    "optimizer": {...ClassifierTrainerOptions...},
//    "precision": "fp32", "device": "cpu",
//    "test_evaluation": false,   also score the test set after the last step
//    "seed": 0,          weights, batch order, augmentation (NAS_TRIAL_SEED)
//    "split_seed": 0}    the dataset and its train / valid split: fixed across a search
//
// The report: {"final": accuracy at the last step, "intermediate": [accuracy
// at each evaluation], "metrics": {"parameters", "train_loss" (mean over the
// last 10% of steps), "steps", "seconds", and with test_evaluation
// "test_accuracy", "test_loss"}}.
#ifndef NAS_JOBS_TRIAL_JOB_H_
#define NAS_JOBS_TRIAL_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/jobs/data.h"
#include "nas/multi_trial/trial.h"
#include "nas/train/classifier_trainer.h"

namespace nas {

struct TrialJobOptions {
  std::string space = "small_cnn";
  Json space_options = Json::object();
  DataOptions data = DefaultTrialData();
  int64_t steps = 300;
  int64_t evaluations = 3;
  ClassifierTrainerOptions optimizer = DefaultTrialOptimizer();
  std::string precision = "fp32";
  std::string device = "cpu";
  bool test_evaluation = false;
  uint64_t seed = 0;
  uint64_t split_seed = 0;

  // Trials score on 2,000 held-out examples with one loader thread.
  static DataOptions DefaultTrialData();
  // SGD with Nesterov momentum 0.9, weight decay 1e-4, cosine over the steps.
  static ClassifierTrainerOptions DefaultTrialOptimizer();
};

// The members present in `j` over `*out` (strict, validated); `path` names
// `j` in messages.
absl::Status TrialJobOptionsFromJson(const Json& j, const std::string& path, TrialJobOptions* out);
Json TrialJobOptionsToJson(const TrialJobOptions& options);

// Trains the architecture that `parameters` (NNI {_value, _idx}) name and
// returns the report. InvalidArgument naming the key for parameters that do
// not fit the space.
absl::StatusOr<TrialReport> RunTrialJob(const TrialJobOptions& options, const Json& parameters);

}  // namespace nas

#endif  // NAS_JOBS_TRIAL_JOB_H_
