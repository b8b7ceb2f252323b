// DARTS retraining (:retrain): the evaluation network (20 cells x 36
// channels on CIFAR-10; the preset's on Fashion-MNIST) fixed to an
// architecture file, trained from scratch on the whole training set with
// cutout, the auxiliary head and drop-path (EvalTrainer), scored on the
// test set after every epoch. Writes config.json, metrics.jsonl,
// tensorboard/, checkpoints/ (--resume), model.pt and result.json
// (test_accuracy, parameters without the auxiliary head, genotype).
#ifndef ALGORITHMS_DARTS_RETRAIN_JOB_H_
#define ALGORITHMS_DARTS_RETRAIN_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "algorithms/darts/config.h"
#include "nas/core/architecture.h"

namespace nas::darts {

struct RetrainResult {
  double test_accuracy = 0;
  int64_t parameters = 0;  // without the auxiliary head
  double seconds = 0;
};

absl::StatusOr<RetrainResult> RunRetrainJob(const DartsConfig& config, const Architecture& architecture,
                                            const std::string& output_dir, bool resume);

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_RETRAIN_JOB_H_
