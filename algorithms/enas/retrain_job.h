// Retraining (:retrain): a fixed architecture of the config's space,
// trained from scratch on the whole training set (SGD with momentum, cosine
// learning rate), evaluated on the test set after every epoch.
//
// Writes into output_dir: config.json, architecture.json, metrics.jsonl,
// checkpoints (--resume continues), model.pt and result.json
// {"test_accuracy", "test_loss", "parameters", "seconds"}.
#ifndef ALGORITHMS_ENAS_RETRAIN_JOB_H_
#define ALGORITHMS_ENAS_RETRAIN_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "algorithms/enas/config.h"
#include "nas/core/architecture.h"

namespace nas::enas {

struct RetrainResult {
  double test_accuracy = 0;
  double test_loss = 0;
  int64_t parameters = 0;
  double seconds = 0;
};

Json RetrainResultToJson(const RetrainResult& result);

// InvalidArgument naming the key when `arch` does not fit the space.
absl::StatusOr<RetrainResult> RunRetrainJob(const EnasConfig& config, const Architecture& arch,
                                            const std::string& output_dir, bool resume);

}  // namespace nas::enas

#endif  // ALGORITHMS_ENAS_RETRAIN_JOB_H_
