// Phase 3 of SPOS (:retrain): a fresh network fixed to one architecture
// (affine BN, the authors' init), trained from scratch on the whole
// training set with the supernet's recipe (config.retrain: SGD, linear
// decay, weight decay on conv/FC weights, label smoothing), through the
// shared retraining job (nas/jobs/retrain_job.h); test accuracy is
// evaluated after every epoch and after the last step. With `inherit_from`
// (a supernet.pt) the network starts from the supernet's weights instead,
// keeping the supernet's non-affine BN so that every tensor is inherited.
//
// Writes into output_dir: config.json, architecture.json, metrics.jsonl,
// tensorboard/, checkpoints/ (for --resume), model.pt and result.json
// ({"test_accuracy", "test_loss", "parameters", "flops", "params", "seconds"};
// flops and params by the authors' counting, flops_table.h).
#ifndef ALGORITHMS_SPOS_RETRAIN_JOB_H_
#define ALGORITHMS_SPOS_RETRAIN_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "algorithms/spos/config.h"
#include "nas/core/architecture.h"

namespace nas::spos {

struct RetrainResult {
  double test_accuracy = 0;
  double test_loss = 0;
  double flops = 0;
  double params = 0;
  double seconds = 0;
};

// result.json's SPOS members.
Json RetrainResultToJson(const RetrainResult& result);

absl::StatusOr<RetrainResult> RunRetrainJob(const SposConfig& config, const Architecture& arch,
                                            const std::string& output_dir, bool resume,
                                            const std::string& inherit_from = "",
                                            bool export_model = false);

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_RETRAIN_JOB_H_
