// Phase 1 of SPOS (:supernet): trains the one-shot supernet with single
// random paths (SposTrainer) on the training part of the data. Writes into
// output_dir: config.json, metrics.jsonl, tensorboard/, checkpoints/ (for
// --resume) and supernet.pt (the weights, nas::SaveWeights format).
// Data-parallel when launched with several processes (//tools:launch).
#ifndef ALGORITHMS_SPOS_SUPERNET_JOB_H_
#define ALGORITHMS_SPOS_SUPERNET_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "algorithms/spos/config.h"
#include "nas/train/trainer.h"

namespace nas::spos {

struct SupernetResult {
  Metrics validation;  // random-path accuracy of the last epoch
  double seconds = 0;
};

absl::StatusOr<SupernetResult> RunSupernetJob(const SposConfig& config, const std::string& output_dir, bool resume);

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_SUPERNET_JOB_H_
