// DARTS retraining (:retrain): the shared retraining job
// (nas/jobs/retrain_job.h) on the "darts_cell" space with the evaluation
// network of config.retrain.network (20 cells x 36 channels on CIFAR-10;
// the preset's on Fashion-MNIST) fixed to an architecture file and DARTS's
// recipe (EvalTrainer: cutout, the auxiliary head, drop-path, cosine, clip),
// trained from scratch on the whole training set and scored on the test set
// after every epoch. Writes into output_dir:
//
//   config.json, architecture.json   the configuration and the cell
//   metrics.jsonl, tensorboard/      train / valid (test set) metrics
//   checkpoints/                     for --resume
//   model.pt                         the trained weights
//   result.json                      test_accuracy, test_loss, parameters
//                                    (without the auxiliary head), genotype,
//                                    seconds
#ifndef ALGORITHMS_DARTS_RETRAIN_JOB_H_
#define ALGORITHMS_DARTS_RETRAIN_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "algorithms/darts/config.h"
#include "nas/core/architecture.h"
#include "nas/jobs/retrain_job.h"

namespace nas::darts {

// result.parameters excludes the auxiliary head (the number papers report);
// result.extra holds "parameters" and "genotype". InvalidArgument naming the
// key for an architecture that does not fit the network.
absl::StatusOr<RetrainJobResult> RunRetrainJob(const DartsConfig& config,
                                               const Architecture& architecture,
                                               const std::string& output_dir, bool resume,
                                               bool export_model = false);

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_RETRAIN_JOB_H_
