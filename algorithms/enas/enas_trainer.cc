#include "algorithms/enas/enas_trainer.h"

#include <torch/nn/functional/loss.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "nas/base/status.h"
#include "nas/core/uniform_sampling.h"
#include "nas/train/lr_schedule.h"

namespace nas::enas {

absl::Status EnasTrainerOptionsFromJson(const Json& j, const std::string& path,
                                        EnasTrainerOptions* out) {
  JsonObjectReader r(j, path);
  r.Optional("lr", &out->lr)
      .Optional("min_lr", &out->min_lr)
      .Optional("momentum", &out->momentum)
      .Optional("weight_decay", &out->weight_decay)
      .Optional("clip_norm", &out->clip_norm)
      .Optional("controller_lr", &out->controller_lr)
      .Optional("controller_steps", &out->controller_steps)
      .Optional("aggregate", &out->aggregate)
      .Optional("entropy_weight", &out->entropy_weight)
      .Optional("skip_weight", &out->skip_weight)
      .Optional("baseline_decay", &out->baseline_decay)
      .Optional("controller_clip_norm", &out->controller_clip_norm)
      .Optional("latency_budget_ms", &out->latency.budget_ms)
      .Optional("latency_weight", &out->latency.weight)
      .Optional("latency_batch", &out->latency.batch)
      .Optional("latency_table", &out->latency.table);
  const Json* mutator = r.Member("mutator");
  NAS_RETURN_IF_ERROR(r.Finish());
  NAS_RETURN_IF_ERROR(ValidateLatencyBudget(out->latency, path));
  if (mutator != nullptr) {
    NAS_RETURN_IF_ERROR(
        EnasMutatorOptionsFromJson(*mutator, JsonChildPath(path, "mutator"), &out->mutator));
  }
  if (!(out->lr > 0) || !(out->controller_lr > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": lr and controller_lr must be > 0"));
  }
  if (out->min_lr < 0 || out->min_lr > out->lr) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".min_lr must be in [0, lr]"));
  }
  if (out->momentum < 0 || out->weight_decay < 0 || out->clip_norm < 0 ||
      out->controller_clip_norm < 0 || out->entropy_weight < 0 || out->skip_weight < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path,
                     ": momentum, weight_decay, clip_norm, controller_clip_norm, entropy_weight "
                     "and skip_weight must be >= 0"));
  }
  if (out->controller_steps < 0)
    return absl::InvalidArgumentError(absl::StrCat(path, ".controller_steps must be >= 0"));
  if (out->aggregate < 1)
    return absl::InvalidArgumentError(absl::StrCat(path, ".aggregate must be >= 1"));
  if (!(out->baseline_decay >= 0 && out->baseline_decay < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".baseline_decay must be in [0, 1)"));
  }
  return absl::OkStatus();
}

Json EnasTrainerOptionsToJson(const EnasTrainerOptions& o) {
  return {{"lr", o.lr},
          {"min_lr", o.min_lr},
          {"momentum", o.momentum},
          {"weight_decay", o.weight_decay},
          {"clip_norm", o.clip_norm},
          {"controller_lr", o.controller_lr},
          {"controller_steps", o.controller_steps},
          {"aggregate", o.aggregate},
          {"entropy_weight", o.entropy_weight},
          {"skip_weight", o.skip_weight},
          {"baseline_decay", o.baseline_decay},
          {"controller_clip_norm", o.controller_clip_norm},
          {"mutator", EnasMutatorOptionsToJson(o.mutator)},
          {"latency_budget_ms", o.latency.budget_ms},
          {"latency_weight", o.latency.weight},
          {"latency_batch", o.latency.batch},
          {"latency_table", o.latency.table}};
}

double UpdateBaseline(std::optional<double> baseline, double reward, double decay) {
  if (!baseline.has_value()) return reward;
  return decay * *baseline + (1 - decay) * reward;
}

EnasTrainer::EnasTrainer(TrainerOptions trainer_options, EnasTrainerOptions options,
                         BuiltSpace model, BatchSource* train, BatchSource* valid,
                         Distributed* distributed)
    : Trainer(trainer_options, model.model, train, distributed),
      options_(std::move(options)),
      model_(std::move(model)),
      valid_(valid) {
  TORCH_CHECK(valid_ != nullptr, "EnasTrainer needs a validation source for the controller");
  mutator_ = std::make_unique<EnasMutator>(model_.model, options_.mutator);
  sgd_ = std::make_unique<torch::optim::SGD>(model_.model->parameters(),
                                             torch::optim::SGDOptions(options_.lr)
                                                 .momentum(options_.momentum)
                                                 .weight_decay(options_.weight_decay));
  adam_ = std::make_unique<torch::optim::Adam>(mutator_->parameters(),
                                               torch::optim::AdamOptions(options_.controller_lr));
  set_mutator(mutator_.get());
  add_optimizer(
      "sgd", sgd_.get(),
      CosineLr(options_.lr, options_.min_lr, std::max<int64_t>(1, trainer_options.epochs)));
  add_optimizer("controller", adam_.get(), nullptr);
}

Metrics EnasTrainer::train_step(const Batch& batch) {
  {
    torch::NoGradGuard no_grad;  // the controller is not trained here
    mutator_->reset();
  }
  sync_decisions(*mutator_);
  at::Tensor logits;
  {
    auto guard = autocast();
    logits = model_.forward(batch.data);
  }
  at::Tensor loss = torch::nn::functional::cross_entropy(logits.to(at::kFloat), batch.target);
  backward(loss);
  step(*sgd_, options_.clip_norm);
  double accuracy = (logits.argmax(1) == batch.target).to(at::kFloat).mean().item<double>();
  return {{"loss", loss.item<double>()}, {"accuracy", accuracy}};
}

Batch EnasTrainer::next_valid() {
  if (!valid_started_) {
    valid_->start_epoch(valid_epoch_, valid_batch_);
    valid_started_ = true;
  }
  std::optional<Batch> batch = valid_->next();
  if (!batch) {
    ++valid_epoch_;
    valid_batch_ = 0;
    valid_->start_epoch(valid_epoch_, 0);
    batch = valid_->next();
    TORCH_CHECK(batch.has_value(), "the validation source of the ENAS controller is empty");
  }
  ++valid_batch_;
  if (!device().is_cpu()) {
    batch->data = batch->data.to(device());
    batch->target = batch->target.to(device());
  }
  return *batch;
}

double EnasTrainer::child_accuracy(const Batch& batch) {
  torch::NoGradGuard no_grad;
  auto guard = autocast();
  at::Tensor logits = model_.forward(batch.data);
  return (logits.argmax(1) == batch.target).to(at::kFloat).mean().item<double>();
}

Metrics EnasTrainer::validate(int64_t epoch) {
  // Children are scored with batch statistics (the authors' is_training
  // = True for the reward); the base put the model in eval mode.
  model_.model->train();
  double reward_sum = 0, accuracy_sum = 0, entropy_sum = 0, latency_sum = 0;
  int64_t count = 0;
  for (int64_t s = 0; s < options_.controller_steps; ++s) {
    adam_->zero_grad();
    for (int64_t a = 0; a < options_.aggregate; ++a) {
      Batch batch = next_valid();
      mutator_->reset();  // with gradient: the log-probability is trained
      double accuracy = child_accuracy(batch);
      if (distributed() != nullptr) accuracy = distributed()->all_reduce_mean(accuracy);
      const double entropy = mutator_->sample_entropy().item<double>();
      double reward = accuracy + options_.entropy_weight * entropy;
      if (options_.latency.active()) {
        const double ms = PredictedLatencyOrThrow(latency_.get(), mutator_->decisions());
        reward -= LatencyPenalty(ms, options_.latency);
        latency_sum += ms;
      }
      baseline_ = UpdateBaseline(baseline_, reward, options_.baseline_decay);
      at::Tensor loss = -mutator_->sample_log_prob() * (reward - *baseline_) +
                        options_.skip_weight * mutator_->sample_skip_penalty();
      (loss / static_cast<double>(options_.aggregate)).backward();
      reward_sum += reward;
      accuracy_sum += accuracy;
      entropy_sum += entropy;
      ++count;
    }
    std::vector<at::Tensor> params = mutator_->parameters();
    if (options_.controller_clip_norm > 0)
      torch::nn::utils::clip_grad_norm_(params, options_.controller_clip_norm);
    adam_->step();
  }
  adam_->zero_grad();
  if (count == 0) return {};
  Metrics metrics = {{"reward", reward_sum / count},
                     {"accuracy", accuracy_sum / count},
                     {"entropy", entropy_sum / count},
                     {"baseline", baseline_.value_or(0)}};
  if (options_.latency.active()) metrics["latency_ms"] = latency_sum / count;
  return metrics;
}

void EnasTrainer::set_latency_table(std::shared_ptr<const LatencyTable> table) {
  latency_ = std::move(table);
}

double EnasTrainer::score(BatchSource& source, int64_t batches) {
  torch::NoGradGuard no_grad;
  int64_t correct = 0, total = 0;
  source.start_epoch(0);
  for (int64_t b = 0; batches == 0 || b < batches; ++b) {
    std::optional<Batch> batch = source.next();
    if (!batch) break;
    at::Tensor data = batch->data.to(device()), target = batch->target.to(device());
    auto guard = autocast();
    at::Tensor logits = model_.forward(data);
    correct += (logits.argmax(1) == target).sum().item<int64_t>();
    total += target.size(0);
  }
  return total == 0 ? 0 : static_cast<double>(correct) / total;
}

EnasExport EnasTrainer::export_architectures(BatchSource& source, int64_t samples,
                                             int64_t random_samples, int64_t batches,
                                             uint64_t seed) {
  model_.model->train();  // batch statistics, as the controller's rewards
  const SearchSpace& space = mutator_->search_space();
  EnasExport result;
  Decisions greedy = mutator_->sample_final();
  mutator_->set_decisions(greedy);
  double greedy_accuracy = score(source, batches);
  if (distributed() != nullptr) greedy_accuracy = distributed()->all_reduce_mean(greedy_accuracy);
  auto latency = [&](const Decisions& d) {
    return latency_ != nullptr ? PredictedLatencyOrThrow(latency_.get(), d) : 0.0;
  };
  result.greedy = {Architecture::from_decisions(greedy, space), greedy_accuracy, latency(greedy)};
  result.best.accuracy = -1;
  // Under a budget: the best sample within it; while none is, the fastest.
  const double budget = options_.latency.active() ? options_.latency.budget_ms : 0;
  auto better = [&](double accuracy, double ms) {
    if (result.best.accuracy < 0) return true;
    if (budget > 0) {
      const bool fits = ms <= budget, best_fits = result.best.latency_ms <= budget;
      if (fits != best_fits) return fits;
      if (!fits) return ms < result.best.latency_ms;
    }
    return accuracy > result.best.accuracy;
  };
  for (int64_t i = 0; i < samples; ++i) {
    Decisions d;
    {
      torch::NoGradGuard no_grad;
      d = mutator_->sample_search();
    }
    // Every rank scores the same architecture.
    mutator_->set_decisions(d);
    sync_decisions(*mutator_);
    double accuracy = score(source, batches);
    if (distributed() != nullptr) accuracy = distributed()->all_reduce_mean(accuracy);
    result.sample_accuracies.push_back(accuracy);
    const double ms = latency(mutator_->decisions());
    if (latency_ != nullptr) result.sample_latencies.push_back(ms);
    if (better(accuracy, ms)) {
      result.best = {Architecture::from_decisions(mutator_->decisions(), space), accuracy, ms};
    }
  }
  if (samples == 0) result.best = result.greedy;
  std::mt19937_64 rng(seed);
  for (int64_t i = 0; i < random_samples; ++i) {
    mutator_->set_decisions(SampleUniformDecisions(space, rng));
    double accuracy = score(source, batches);
    if (distributed() != nullptr) accuracy = distributed()->all_reduce_mean(accuracy);
    result.random_accuracies.push_back(accuracy);
  }
  return result;
}

void EnasTrainer::save_extra(torch::serialize::OutputArchive& archive) const {
  archive.write(
      "enas.baseline",
      torch::tensor({baseline_.has_value() ? 1.0 : 0.0, baseline_.value_or(0)}, torch::kDouble));
  archive.write("enas.valid_position", torch::tensor({valid_epoch_, valid_batch_}, torch::kLong));
}

void EnasTrainer::load_extra(torch::serialize::InputArchive& archive) {
  at::Tensor baseline, position;
  archive.read("enas.baseline", baseline);
  archive.read("enas.valid_position", position);
  TORCH_CHECK(baseline.numel() == 2 && position.numel() == 2, "corrupt ENAS state in checkpoint");
  baseline_ = baseline[0].item<double>() > 0 ? std::optional<double>(baseline[1].item<double>())
                                             : std::nullopt;
  valid_epoch_ = position[0].item<int64_t>();
  valid_batch_ = position[1].item<int64_t>();
  valid_started_ = false;
}

}  // namespace nas::enas
