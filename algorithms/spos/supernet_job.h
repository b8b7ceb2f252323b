// Phase 1 of SPOS (:supernet): trains the one-shot supernet with single
// random paths (SposTrainer) on the training part of the data, through the
// shared supernet job (nas/jobs/supernet_job.h). Writes into output_dir:
// config.json, metrics.jsonl, tensorboard/, checkpoints/ (for --resume) and
// supernet.pt (the weights, nas::SaveWeights format). Data-parallel when
// launched with several processes (//tools:launch).
#ifndef ALGORITHMS_SPOS_SUPERNET_JOB_H_
#define ALGORITHMS_SPOS_SUPERNET_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "algorithms/spos/config.h"
#include "nas/jobs/supernet_job.h"

namespace nas::spos {

absl::StatusOr<SupernetJobResult> RunSupernetJob(const SposConfig& config,
                                                 const std::string& output_dir, bool resume);

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_SUPERNET_JOB_H_
