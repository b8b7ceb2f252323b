#include "nas/train/supernet_evaluator.h"

#include <torch/nn/module.h>

#include "absl/strings/str_cat.h"
#include "nas/base/status.h"
#include "nas/base/torch/module_device.h"
#include "nas/train/batchnorm_recalibration.h"
#include "nas/train/classifier_evaluation.h"

namespace nas {

absl::Status SupernetEvaluationOptionsFromJson(const Json& j, const std::string& path,
                                               SupernetEvaluationOptions* out) {
  JsonObjectReader r(j, path);
  r.Optional("recalibration_batches", &out->recalibration_batches)
      .Optional("eval_batches", &out->eval_batches);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (out->recalibration_batches < 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".recalibration_batches must be >= 0"));
  }
  if (out->eval_batches < 0)
    return absl::InvalidArgumentError(absl::StrCat(path, ".eval_batches must be >= 0"));
  return absl::OkStatus();
}

Json SupernetEvaluationOptionsToJson(const SupernetEvaluationOptions& o) {
  return {{"recalibration_batches", o.recalibration_batches}, {"eval_batches", o.eval_batches}};
}

SupernetEvaluator::SupernetEvaluator(BuiltSpace supernet, Mutator* mutator,
                                     BatchSource* recalibration, BatchSource* held_out,
                                     SupernetEvaluationOptions options)
    : supernet_(std::move(supernet)),
      mutator_(mutator),
      recalibration_(recalibration),
      held_out_(held_out),
      options_(options) {}

absl::StatusOr<CandidateScore> SupernetEvaluator::evaluate(const Architecture& arch) {
  NAS_ASSIGN_OR_RETURN(Decisions decisions, arch.resolve(mutator_->search_space()));
  NAS_RETURN_IF_ERROR(CatchExceptions([&] {
    mutator_->set_decisions(std::move(decisions));
    return absl::OkStatus();
  }));
  torch::nn::Module& model = *supernet_.model;
  if (options_.recalibration_batches > 0) {
    NAS_RETURN_IF_ERROR(RecalibrateBatchNorm(model, supernet_.forward, *recalibration_,
                                             options_.recalibration_batches)
                            .status());
  }
  CandidateScore score;
  const bool was_training = model.is_training();
  model.eval();
  const at::Device device = DeviceOf(model);
  absl::Status status = CatchExceptions([&] {
    ClassifierScore s = EvaluateClassifier(
        [&](const at::Tensor& x) { return supernet_.forward(x.to(device)); }, *held_out_,
        options_.eval_batches);
    if (s.examples == 0) return absl::InvalidArgumentError("supernet evaluation: no held-out data");
    score.accuracy = s.accuracy;
    score.loss = s.loss;
    score.examples = s.examples;
    return absl::OkStatus();
  });
  model.train(was_training);
  NAS_RETURN_IF_ERROR(status);
  return score;
}

}  // namespace nas
