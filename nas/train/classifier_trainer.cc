#include "nas/train/classifier_trainer.h"

#include <algorithm>

#include <torch/nn/functional/loss.h>
#include <torch/nn/module.h>

#include "absl/strings/str_cat.h"
#include "nas/base/status.h"
#include "nas/train/classifier_evaluation.h"
#include "nas/train/lr_schedule.h"
#include "nas/train/weight_decay.h"

namespace nas {

absl::Status ClassifierTrainerOptionsFromJson(const Json& j, const std::string& path,
                                              ClassifierTrainerOptions* o) {
  JsonObjectReader r(j, path);
  r.Optional("lr", &o->lr)
      .Optional("min_lr", &o->min_lr)
      .Optional("schedule", &o->schedule)
      .Optional("momentum", &o->momentum)
      .Optional("nesterov", &o->nesterov)
      .Optional("weight_decay", &o->weight_decay)
      .Optional("decay_conv_only", &o->decay_conv_only)
      .Optional("grad_clip", &o->grad_clip)
      .Optional("label_smoothing", &o->label_smoothing);
  NAS_RETURN_IF_ERROR(r.Finish());
  auto bad = [&](const char* member, const std::string& rule) {
    return absl::InvalidArgumentError(absl::StrCat(JsonChildPath(path, member), " must be ", rule));
  };
  if (!(o->lr > 0) || !std::isfinite(o->lr)) return bad("lr", "a finite number > 0");
  if (!(o->min_lr >= 0 && o->min_lr <= o->lr)) return bad("min_lr", "in [0, lr]");
  if (o->schedule != "cosine" && o->schedule != "cosine_steps" && o->schedule != "linear_steps" &&
      o->schedule != "constant") {
    return bad("schedule", absl::StrCat("cosine, cosine_steps, linear_steps or constant, got '",
                                        o->schedule, "'"));
  }
  if (!(o->momentum >= 0) || !std::isfinite(o->momentum)) return bad("momentum", ">= 0");
  if (!(o->weight_decay >= 0) || !std::isfinite(o->weight_decay))
    return bad("weight_decay", ">= 0");
  if (!(o->grad_clip >= 0) || !std::isfinite(o->grad_clip)) return bad("grad_clip", ">= 0");
  if (!(o->label_smoothing >= 0 && o->label_smoothing < 1))
    return bad("label_smoothing", "in [0, 1)");
  if (o->nesterov && o->momentum == 0) return bad("momentum", "> 0 with nesterov");
  return absl::OkStatus();
}

Json ClassifierTrainerOptionsToJson(const ClassifierTrainerOptions& o) {
  return {{"lr", o.lr},
          {"min_lr", o.min_lr},
          {"schedule", o.schedule},
          {"momentum", o.momentum},
          {"nesterov", o.nesterov},
          {"weight_decay", o.weight_decay},
          {"decay_conv_only", o.decay_conv_only},
          {"grad_clip", o.grad_clip},
          {"label_smoothing", o.label_smoothing}};
}

ClassifierTrainer::ClassifierTrainer(TrainerOptions trainer_options, ClassifierTrainerOptions o,
                                     BuiltSpace model, BatchSource* train, BatchSource* valid,
                                     Distributed* distributed)
    : Trainer(trainer_options, model.model, train, distributed),
      options_(std::move(o)),
      model_(std::move(model)),
      valid_(valid) {
  auto sgd_options = [&](double weight_decay) {
    return std::make_unique<torch::optim::SGDOptions>(torch::optim::SGDOptions(options_.lr)
                                                          .momentum(options_.momentum)
                                                          .nesterov(options_.nesterov)
                                                          .weight_decay(weight_decay));
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  if (options_.decay_conv_only) {
    WeightDecayGroups split = SplitForWeightDecay(*model_.model);
    groups.emplace_back(split.decay, sgd_options(options_.weight_decay));
    groups.emplace_back(split.no_decay, sgd_options(0));
  } else {
    groups.emplace_back(model_.model->parameters(), sgd_options(options_.weight_decay));
  }
  sgd_ =
      std::make_unique<torch::optim::SGD>(std::move(groups), *sgd_options(options_.weight_decay));
  int64_t total = trainer_options.epochs * train->batches_per_epoch();
  if (trainer_options.max_steps > 0) total = std::min(total, trainer_options.max_steps);
  total = std::max<int64_t>(total, 1);
  std::shared_ptr<LrSchedule> schedule;
  if (options_.schedule == "cosine") {
    schedule = CosineLr(options_.lr, options_.min_lr, std::max<int64_t>(1, trainer_options.epochs));
  } else if (options_.schedule == "cosine_steps") {
    schedule = CosineStepsLr(options_.lr, options_.min_lr, total);
  } else if (options_.schedule == "linear_steps") {
    schedule = LinearDecayLr(options_.lr, total);
  } else {
    schedule = ConstantLr(options_.lr);
  }
  add_optimizer("sgd", sgd_.get(), schedule);
}

at::Tensor ClassifierTrainer::loss(const Batch& batch, at::Tensor* logits) {
  *logits = model_.forward(batch.data);
  return torch::nn::functional::cross_entropy(
      logits->to(at::kFloat), batch.target,
      torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(options_.label_smoothing));
}

Metrics ClassifierTrainer::train_step(const Batch& batch) {
  at::Tensor logits, value;
  {
    auto guard = autocast();
    value = loss(batch, &logits);
  }
  backward(value);
  step(*sgd_, options_.grad_clip);
  return {{"loss", value.item<double>()},
          {"accuracy", (logits.argmax(1) == batch.target).to(at::kFloat).mean().item<double>()}};
}

Metrics ClassifierTrainer::validate(int64_t) {
  if (valid_ == nullptr) return {};
  ClassifierScore score = EvaluateClassifier(
      [&](const at::Tensor& x) {
        auto guard = autocast();
        return model_.forward(x.to(device())).to(at::kFloat).cpu();
      },
      *valid_);
  return {{"loss", score.loss}, {"accuracy", score.accuracy}};
}

}  // namespace nas
