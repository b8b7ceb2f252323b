#include "algorithms/gumbel/gumbel_trainer.h"

#include <map>

#include <algorithm>
#include <cmath>

#include <torch/nn/functional/loss.h>
#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>

#include "nas/base/status.h"
#include "nas/train/classifier_evaluation.h"

namespace nas::gumbel {

absl::Status GumbelTrainerOptionsFromJson(const Json& j, const std::string& path,
                                          GumbelTrainerOptions* out) {
  JsonObjectReader r(j, path);
  r.Optional("lr", &out->lr)
      .Optional("min_lr", &out->min_lr)
      .Optional("momentum", &out->momentum)
      .Optional("weight_decay", &out->weight_decay)
      .Optional("clip_norm", &out->clip_norm)
      .Optional("arch_lr", &out->arch_lr)
      .Optional("arch_weight_decay", &out->arch_weight_decay)
      .Optional("tau_start", &out->tau_start)
      .Optional("tau_end", &out->tau_end)
      .Optional("mode", &out->mode)
      .Optional("tau_schedule", &out->tau_schedule)
      .Optional("bilevel", &out->bilevel)
      .Optional("seed", &out->seed)
      .Optional("latency_budget_ms", &out->latency.budget_ms)
      .Optional("latency_weight", &out->latency.weight)
      .Optional("latency_batch", &out->latency.batch)
      .Optional("latency_table", &out->latency.table);
  NAS_RETURN_IF_ERROR(r.Finish());
  NAS_RETURN_IF_ERROR(ValidateLatencyBudget(out->latency, path));
  if (out->lr <= 0 || out->min_lr < 0 || out->momentum < 0 || out->weight_decay < 0 ||
      out->clip_norm < 0 || out->arch_lr < 0 || out->arch_weight_decay < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path,
                     ": lr must be > 0; min_lr, momentum, weight_decay, clip_norm, arch_lr and "
                     "arch_weight_decay >= 0"));
  }
  if (!(out->tau_start > 0) || !(out->tau_end > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": tau_start and tau_end must be > 0, got ", out->tau_start, " and ", out->tau_end));
  }
  if (out->tau_schedule != "exponential" && out->tau_schedule != "linear") {
    return absl::InvalidArgumentError(absl::StrCat(JsonChildPath(path, "tau_schedule"), ": '",
                                                   out->tau_schedule,
                                                   "' is not one of exponential, linear"));
  }
  return Annotate(GumbelModeFromString(out->mode).status(), JsonChildPath(path, "mode"));
}

Json GumbelTrainerOptionsToJson(const GumbelTrainerOptions& o) {
  return {{"lr", o.lr},
          {"min_lr", o.min_lr},
          {"momentum", o.momentum},
          {"weight_decay", o.weight_decay},
          {"clip_norm", o.clip_norm},
          {"arch_lr", o.arch_lr},
          {"arch_weight_decay", o.arch_weight_decay},
          {"tau_start", o.tau_start},
          {"tau_end", o.tau_end},
          {"tau_schedule", o.tau_schedule},
          {"bilevel", o.bilevel},
          {"mode", o.mode},
          {"seed", o.seed},
          {"latency_budget_ms", o.latency.budget_ms},
          {"latency_weight", o.latency.weight},
          {"latency_batch", o.latency.batch},
          {"latency_table", o.latency.table}};
}

double AnnealedTemperature(const GumbelTrainerOptions& o, int64_t step, int64_t total_steps) {
  if (total_steps <= 1 || step >= total_steps - 1) return o.tau_end;
  double progress = static_cast<double>(step) / static_cast<double>(total_steps - 1);
  if (o.tau_schedule == "linear") return o.tau_start + (o.tau_end - o.tau_start) * progress;
  return o.tau_start * std::pow(o.tau_end / o.tau_start, progress);
}

GumbelTrainer::GumbelTrainer(TrainerOptions trainer_options, GumbelTrainerOptions options,
                             BuiltSpace model, BatchSource* train, BatchSource* valid,
                             Distributed* distributed)
    : Trainer(trainer_options, model.model, train, distributed),
      options_(options),
      model_(std::move(model)),
      valid_(valid),
      mutator_(std::make_unique<GumbelMutator>(model_.model, options.seed)) {
  mutator_->set_mode(*GumbelModeFromString(options.mode));
  if (options.bilevel) {
    arch_ = std::make_unique<PairedBatches>(
        valid_, "GumbelTrainer's validation data (bilevel steps the logits on it)", train);
  }
  sgd_ = std::make_unique<torch::optim::SGD>(model_.model->parameters(),
                                             torch::optim::SGDOptions(options.lr)
                                                 .momentum(options.momentum)
                                                 .weight_decay(options.weight_decay));
  // DARTS' architecture optimizer settings (betas 0.5, 0.999).
  adam_ = std::make_unique<torch::optim::Adam>(mutator_->parameters(),
                                               torch::optim::AdamOptions(options.arch_lr)
                                                   .betas({0.5, 0.999})
                                                   .weight_decay(options.arch_weight_decay));
  set_mutator(mutator_.get());
  add_optimizer("sgd", sgd_.get(), CosineLr(options.lr, options.min_lr, trainer_options.epochs));
  add_optimizer("arch", adam_.get(), nullptr);
}

// The schedule spans the epochs, like the learning rate's; max_steps only
// stops early (so a run stopped and resumed anneals like an uninterrupted one).
int64_t GumbelTrainer::total_steps() const {
  return options().epochs * train_source()->batches_per_epoch();
}

at::Tensor GumbelTrainer::sampled_loss(const Batch& batch, at::Tensor* logits) {
  mutator_->reset();  // fresh noise; the hard sample is cached
  sync_decisions(*mutator_);
  {
    auto guard = autocast();
    *logits = model_.forward(batch.data);
  }
  return torch::nn::functional::cross_entropy(logits->to(at::kFloat), batch.target);
}

Metrics GumbelTrainer::train_step(const Batch& batch) {
  // The base moves the model to the device in fit(); the logits follow
  // (in place, so the Adam optimizer keeps them).
  if (!on_device_) {
    mutator_->to(device());
    on_device_ = true;
  }
  mutator_->set_temperature(AnnealedTemperature(options_, global_step(), total_steps()));
  at::Tensor logits;
  if (options_.bilevel) {
    // GDAS: the logits step on a validation batch with a sample of its own,
    // then the weights step on the training batch with a fresh sample.
    at::Tensor arch_logits;
    at::Tensor arch_loss =
        sampled_loss(arch_->at(batch.epoch, batch.index, device()), &arch_logits);
    if (options_.latency.active()) {
      arch_loss = arch_loss + LatencyPenalty(expected_latency(), options_.latency);
    }
    adam_->zero_grad();
    backward(arch_loss);
    for (at::Tensor& w : model_.model->parameters()) w.mutable_grad().reset();
    step(*adam_);
    at::Tensor loss = sampled_loss(batch, &logits);
    sgd_->zero_grad();
    backward(loss);
    for (const at::Tensor& l : mutator_->parameters()) l.mutable_grad().reset();
    step(*sgd_, options_.clip_norm);
    double accuracy = (logits.argmax(1) == batch.target).to(at::kFloat).mean().item<double>();
    return {{"loss", loss.item<double>()},
            {"arch_loss", arch_loss.item<double>()},
            {"accuracy", accuracy},
            {"temperature", mutator_->temperature()}};
  }
  at::Tensor loss = sampled_loss(batch, &logits);
  at::Tensor objective = loss;
  if (options_.latency.active()) {
    // The same on every rank (equal logits): averaging keeps it.
    objective = loss + LatencyPenalty(expected_latency(), options_.latency);
  }
  sgd_->zero_grad();
  adam_->zero_grad();
  backward(objective);
  step(*sgd_, options_.clip_norm);
  step(*adam_);
  double accuracy = (logits.argmax(1) == batch.target).to(at::kFloat).mean().item<double>();
  return {{"loss", loss.item<double>()},
          {"accuracy", accuracy},
          {"temperature", mutator_->temperature()}};
}

Metrics GumbelTrainer::validate(int64_t epoch) {
  if (valid_ == nullptr) return {};
  if (arch_ != nullptr) arch_->invalidate();          // validation reads the same source
  mutator_->set_decisions(mutator_->sample_final());  // the architecture export would write
  ClassifierScore score = EvaluateClassifier(
      [&](const at::Tensor& x) {
        auto guard = autocast();
        return model_.forward(x.to(device()));
      },
      *valid_);
  Metrics metrics = {{"loss", score.loss}, {"accuracy", score.accuracy}};
  if (latency_ != nullptr) {
    metrics["latency_ms"] = PredictedLatencyOrThrow(latency_.get(), mutator_->decisions());
    metrics["expected_latency_ms"] = expected_latency().item<double>();
  }
  return metrics;
}

void GumbelTrainer::set_latency_table(std::shared_ptr<const LatencyTable> table) {
  latency_ = std::move(table);
}

at::Tensor GumbelTrainer::expected_latency() {
  TORCH_CHECK(latency_ != nullptr, "GumbelTrainer: no latency table (set_latency_table)");
  std::map<std::string, at::Tensor> probabilities;
  for (const auto& [key, ms] : latency_->candidates) {
    probabilities[key] = at::softmax(mutator_->logits(key), -1);
  }
  return ExpectedLatencyOrThrow(latency_.get(), probabilities);
}

}  // namespace nas::gumbel
