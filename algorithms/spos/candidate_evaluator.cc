#include "algorithms/spos/candidate_evaluator.h"

#include <torch/torch.h>

#include "nas/base/status.h"
#include "nas/train/batchnorm_recalibration.h"
#include "nas/train/classifier_evaluation.h"

namespace nas::spos {

absl::Status CandidateEvaluationOptionsFromJson(const Json& j, const std::string& path,
                                                CandidateEvaluationOptions* out) {
  JsonObjectReader r(j, path);
  r.Optional("recalibration_batches", &out->recalibration_batches).Optional("eval_batches", &out->eval_batches);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (out->recalibration_batches < 1) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".recalibration_batches must be >= 1"));
  }
  if (out->eval_batches < 0) return absl::InvalidArgumentError(absl::StrCat(path, ".eval_batches must be >= 0"));
  return absl::OkStatus();
}

Json CandidateEvaluationOptionsToJson(const CandidateEvaluationOptions& o) {
  return {{"recalibration_batches", o.recalibration_batches}, {"eval_batches", o.eval_batches}};
}

CandidateEvaluator::CandidateEvaluator(std::shared_ptr<ShuffleNetSupernetImpl> supernet, Mutator* mutator,
                                       BatchSource* recalibration, BatchSource* held_out,
                                       CandidateEvaluationOptions options)
    : supernet_(std::move(supernet)),
      mutator_(mutator),
      recalibration_(recalibration),
      held_out_(held_out),
      options_(options) {}

absl::StatusOr<CandidateScore> CandidateEvaluator::evaluate(const Architecture& arch) {
  NAS_ASSIGN_OR_RETURN(Decisions decisions, arch.resolve(mutator_->search_space()));
  NAS_RETURN_IF_ERROR(CatchExceptions([&] {
    mutator_->set_decisions(std::move(decisions));
    return absl::OkStatus();
  }));
  auto forward = [&](const at::Tensor& x) { return supernet_->forward(x); };
  NAS_RETURN_IF_ERROR(
      RecalibrateBatchNorm(*supernet_, forward, *recalibration_, options_.recalibration_batches).status());
  CandidateScore score;
  bool was_training = supernet_->is_training();
  supernet_->eval();
  absl::Status status = CatchExceptions([&] {
    ClassifierScore s = EvaluateClassifier(forward, *held_out_, options_.eval_batches);
    if (s.examples == 0) return absl::InvalidArgumentError("candidate evaluation: no held-out data");
    score.accuracy = s.accuracy;
    score.loss = s.loss;
    score.examples = s.examples;
    return absl::OkStatus();
  });
  supernet_->train(was_training);
  NAS_RETURN_IF_ERROR(status);
  return score;
}

}  // namespace nas::spos
