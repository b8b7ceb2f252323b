// Scores candidate architectures on a trained supernet, the way one-shot
// searches rank them (SPOS, the benchmark's supernet rankings): the
// candidate's decisions are set, BatchNorm statistics are re-estimated on
// training batches (batchnorm_recalibration.h), then loss and top-1 accuracy
// are measured on held-out data. Every candidate sees the same
// recalibration and evaluation batches, so its score does not depend on the
// candidates scored before it (which is what makes a killed search
// resumable with identical results).
//
//   nas::SupernetEvaluator evaluator(supernet, &mutator, &train_loader, &valid_loader, {});
//   NAS_ASSIGN_OR_RETURN(nas::CandidateScore score, evaluator.evaluate(architecture));
//
// | option                | default | meaning                               |
// |-----------------------|---------|---------------------------------------|
// | recalibration_batches | 200     | training batches for the BN estimate  |
// |                       |         | (0 = keep the supernet's statistics)  |
// | eval_batches          | 0       | held-out batches scored (0 = all)     |
#ifndef NAS_TRAIN_SUPERNET_EVALUATOR_H_
#define NAS_TRAIN_SUPERNET_EVALUATOR_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/architecture.h"
#include "nas/core/mutator.h"
#include "nas/core/space_registry.h"
#include "nas/train/batch_source.h"

namespace nas {

struct SupernetEvaluationOptions {
  int64_t recalibration_batches = 200;
  int64_t eval_batches = 0;
};

// Members present in `j` over `*out` (strict, validated).
absl::Status SupernetEvaluationOptionsFromJson(const Json& j, const std::string& path,
                                               SupernetEvaluationOptions* out);
Json SupernetEvaluationOptionsToJson(const SupernetEvaluationOptions& options);

struct CandidateScore {
  double accuracy = 0;
  double loss = 0;
  int64_t examples = 0;
};

class SupernetEvaluator {
 public:
  // `mutator` is bound to `supernet.model`; its decisions are replaced per
  // candidate. Not thread-safe (one supernet).
  SupernetEvaluator(BuiltSpace supernet, Mutator* mutator, BatchSource* recalibration,
                    BatchSource* held_out, SupernetEvaluationOptions options);

  // InvalidArgument for an architecture that does not fit the space or held-
  // out data without examples; the model's errors otherwise.
  absl::StatusOr<CandidateScore> evaluate(const Architecture& arch);

 private:
  BuiltSpace supernet_;
  Mutator* mutator_;
  BatchSource* recalibration_;
  BatchSource* held_out_;
  SupernetEvaluationOptions options_;
};

}  // namespace nas

#endif  // NAS_TRAIN_SUPERNET_EVALUATOR_H_
