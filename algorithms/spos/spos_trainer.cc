#include "algorithms/spos/spos_trainer.h"

#include <torch/nn/functional/loss.h>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>
#include <torch/optim/sgd.h>

#include "nas/base/status.h"
#include "nas/core/uniform_sampling.h"
#include "nas/train/classifier_evaluation.h"
#include "nas/train/lr_schedule.h"
#include "nas/train/weight_decay.h"

namespace nas::spos {

absl::Status SposTrainerOptionsFromJson(const Json& j, const std::string& path,
                                        SposTrainerOptions* out) {
  JsonObjectReader r(j, path);
  r.Optional("lr", &out->lr)
      .Optional("momentum", &out->momentum)
      .Optional("weight_decay", &out->weight_decay)
      .Optional("label_smoothing", &out->label_smoothing)
      .Optional("clip_norm", &out->clip_norm)
      .Optional("seed", &out->seed);
  const Json* sampling = r.Member("sampling");
  NAS_RETURN_IF_ERROR(r.Finish());
  if (sampling != nullptr) {
    NAS_RETURN_IF_ERROR(
        SposSamplingOptionsFromJson(*sampling, JsonChildPath(path, "sampling"), &out->sampling));
  }
  if (!(out->lr > 0)) return absl::InvalidArgumentError(absl::StrCat(path, ".lr must be > 0"));
  if (out->momentum < 0 || out->weight_decay < 0 || out->clip_norm < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": momentum, weight_decay and clip_norm must be >= 0"));
  }
  if (!(out->label_smoothing >= 0 && out->label_smoothing < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".label_smoothing must be in [0, 1)"));
  }
  return absl::OkStatus();
}

Json SposTrainerOptionsToJson(const SposTrainerOptions& o) {
  return {{"lr", o.lr},
          {"momentum", o.momentum},
          {"weight_decay", o.weight_decay},
          {"label_smoothing", o.label_smoothing},
          {"clip_norm", o.clip_norm},
          {"sampling", SposSamplingOptionsToJson(o.sampling)},
          {"seed", o.seed}};
}

namespace {

std::unique_ptr<torch::optim::SGD> MakeSgd(const torch::nn::Module& model,
                                           const SposTrainerOptions& o) {
  WeightDecayGroups groups = SplitForWeightDecay(model);
  std::vector<torch::optim::OptimizerParamGroup> param_groups;
  param_groups.emplace_back(
      groups.decay,
      std::make_unique<torch::optim::SGDOptions>(
          torch::optim::SGDOptions(o.lr).momentum(o.momentum).weight_decay(o.weight_decay)));
  param_groups.emplace_back(
      groups.no_decay, std::make_unique<torch::optim::SGDOptions>(
                           torch::optim::SGDOptions(o.lr).momentum(o.momentum).weight_decay(0)));
  return std::make_unique<torch::optim::SGD>(std::move(param_groups),
                                             torch::optim::SGDOptions(o.lr));
}

int64_t TotalSteps(const TrainerOptions& t, BatchSource* train) {
  int64_t all = t.epochs * train->batches_per_epoch();
  return t.max_steps > 0 ? std::min(all, t.max_steps) : all;
}

}  // namespace

SposTrainer::SposTrainer(TrainerOptions trainer_options, SposTrainerOptions options,
                         BuiltSpace space, BatchSource* train, BatchSource* valid,
                         Distributed* distributed, PathCost cost)
    : Trainer(trainer_options, space.model, train, distributed),
      options_(std::move(options)),
      space_(std::move(space)),
      valid_(valid),
      mutator_(std::make_unique<SposMutator>(space_.model, options_.sampling, options_.seed,
                                             std::move(cost))),
      sgd_(MakeSgd(*space_.model, options_)) {
  set_mutator(mutator_.get());
  add_optimizer(
      "sgd", sgd_.get(),
      LinearDecayLr(options_.lr, std::max<int64_t>(1, TotalSteps(trainer_options, train))));
}

Metrics SposTrainer::train_step(const Batch& batch) {
  // One path, or a strict-fair group: every path's gradients accumulate
  // (summed, not averaged, as FairNAS does) into one update.
  const int paths = mutator_->paths_per_step();
  double loss_sum = 0, accuracy_sum = 0;
  for (int i = 0; i < paths; ++i) {
    mutator_->reset();
    sync_decisions(*mutator_);
    at::Tensor logits;
    {
      auto guard = autocast();
      logits = space_.forward(batch.data);
    }
    at::Tensor loss = torch::nn::functional::cross_entropy(
        logits.to(at::kFloat), batch.target,
        torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(options_.label_smoothing));
    backward(loss);
    loss_sum += loss.item<double>();
    accuracy_sum += (logits.argmax(1) == batch.target).to(at::kFloat).mean().item<double>();
  }
  step(*sgd_, options_.clip_norm);
  return {{"loss", loss_sum / paths}, {"accuracy", accuracy_sum / paths}};
}

Metrics SposTrainer::validate(int64_t epoch) {
  if (valid_ == nullptr) return {};
  std::mt19937_64 rng(options_.seed ^ (0x5eed0000ULL + static_cast<uint64_t>(epoch)));
  ClassifierScore score = EvaluateClassifier(
      [&](const at::Tensor& x) {
        auto guard = autocast();
        return space_.forward(x.to(device()));
      },
      *valid_, 0,
      [&] { mutator_->set_decisions(SampleUniformDecisions(mutator_->search_space(), rng)); });
  return {{"loss", score.loss}, {"accuracy", score.accuracy}};
}

}  // namespace nas::spos
