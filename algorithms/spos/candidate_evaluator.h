// Scores SPOS candidates on a trained supernet, as the authors' search does:
// the candidate's path is set, BatchNorm statistics are re-estimated on
// training batches (nas/train/batchnorm_recalibration.h), then top-1 accuracy is
// measured on held-out data. Every candidate sees the same recalibration
// and evaluation batches, so its score does not depend on the candidates
// scored before it (which is what makes a killed search resumable with
// identical results).
//
// | option                | default | meaning                               |
// |-----------------------|---------|---------------------------------------|
// | recalibration_batches | 200     | training batches for the BN estimate  |
// | eval_batches          | 0       | held-out batches scored (0 = all)     |
#ifndef ALGORITHMS_SPOS_CANDIDATE_EVALUATOR_H_
#define ALGORITHMS_SPOS_CANDIDATE_EVALUATOR_H_

#include <memory>

#include "absl/status/statusor.h"
#include "algorithms/spos/shufflenet_space.h"
#include "nas/core/architecture.h"
#include "nas/train/batch_source.h"
#include "nas/core/mutator.h"

namespace nas::spos {

struct CandidateEvaluationOptions {
  int64_t recalibration_batches = 200;
  int64_t eval_batches = 0;
};

absl::Status CandidateEvaluationOptionsFromJson(const Json& j, const std::string& path,
                                                CandidateEvaluationOptions* out);
Json CandidateEvaluationOptionsToJson(const CandidateEvaluationOptions& options);

struct CandidateScore {
  double accuracy = 0;
  double loss = 0;
  int64_t examples = 0;
};

class CandidateEvaluator {
 public:
  // `mutator` is bound to `supernet`; its decisions are replaced per
  // candidate. Not thread-safe (one supernet).
  CandidateEvaluator(std::shared_ptr<ShuffleNetSupernetImpl> supernet, Mutator* mutator,
                     BatchSource* recalibration, BatchSource* held_out, CandidateEvaluationOptions options);

  absl::StatusOr<CandidateScore> evaluate(const Architecture& arch);

 private:
  std::shared_ptr<ShuffleNetSupernetImpl> supernet_;
  Mutator* mutator_;
  BatchSource* recalibration_;
  BatchSource* held_out_;
  CandidateEvaluationOptions options_;
};

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_CANDIDATE_EVALUATOR_H_
