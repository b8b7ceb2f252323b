// Retraining (:retrain): a fixed architecture of the config's space, trained
// from scratch on the whole training set and scored on the test set after
// every epoch: the shared retraining job (nas/jobs/retrain_job.h) with
// ClassifierTrainer and the "retrain" section's recipe (ENAS's: SGD with
// momentum, cosine learning rate per epoch to min_lr, gradient clip 5).
//
// Writes into output_dir: config.json, architecture.json, metrics.jsonl,
// checkpoints (--resume continues), model.pt and result.json
// {"test_accuracy", "test_loss", "parameters", "seconds"}. The training
// batches are seeded by config.seed + 4.
#ifndef ALGORITHMS_ENAS_RETRAIN_JOB_H_
#define ALGORITHMS_ENAS_RETRAIN_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "algorithms/enas/config.h"
#include "nas/core/architecture.h"
#include "nas/jobs/retrain_job.h"

namespace nas::enas {

// InvalidArgument naming the key when `arch` does not fit the space.
absl::StatusOr<RetrainJobResult> RunRetrainJob(const EnasConfig& config, const Architecture& arch,
                                               const std::string& output_dir, bool resume,
                                               bool export_model = false);

}  // namespace nas::enas

#endif  // ALGORITHMS_ENAS_RETRAIN_JOB_H_
