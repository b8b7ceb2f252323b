#include "algorithms/darts/darts_trainer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <torch/csrc/autograd/autograd.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/sgd.h>

#include <ATen/ATen.h>

#include "absl/strings/str_cat.h"
#include "algorithms/darts/architecture_gradient.h"
#include "algorithms/darts/darts_ops.h"
#include "nas/base/json_lines.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/base/torch/compat.h"
#include "nas/core/architecture.h"
#include "nas/core/search_space.h"
#include "nas/train/batchnorm_recalibration.h"
#include "nas/train/classifier_evaluation.h"
#include "nas/train/lr_schedule.h"
#include "nas/train/paired_batches.h"

namespace nas::darts {

absl::Status DartsTrainerOptionsFromJson(const Json& j, const std::string& path,
                                         DartsTrainerOptions* out) {
  JsonObjectReader r(j, path);
  std::vector<double> betas(out->alpha_betas.begin(), out->alpha_betas.end());
  r.Optional("w_lr", &out->w_lr)
      .Optional("w_lr_min", &out->w_lr_min)
      .Optional("w_momentum", &out->w_momentum)
      .Optional("w_weight_decay", &out->w_weight_decay)
      .Optional("w_grad_clip", &out->w_grad_clip)
      .Optional("alpha_lr", &out->alpha_lr)
      .Optional("alpha_betas", &betas)
      .Optional("alpha_weight_decay", &out->alpha_weight_decay)
      .Optional("alpha_init_scale", &out->alpha_init_scale)
      .Optional("unrolled", &out->unrolled)
      .Optional("hessian_eps", &out->hessian_eps)
      .Optional("collapse_threshold", &out->collapse_threshold)
      .Optional("discrete_bn_batches", &out->discrete_bn_batches)
      .Optional("warmup_epochs", &out->warmup_epochs)
      .Optional("early_stop_share", &out->early_stop_share)
      .Optional("seed", &out->seed)
      .Optional("latency_budget_ms", &out->latency.budget_ms)
      .Optional("latency_weight", &out->latency.weight)
      .Optional("latency_batch", &out->latency.batch)
      .Optional("latency_table", &out->latency.table);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (betas.size() != 2 || !(betas[0] >= 0 && betas[0] < 1) || !(betas[1] >= 0 && betas[1] < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".alpha_betas must be two numbers in [0, 1)"));
  }
  out->alpha_betas = {betas[0], betas[1]};
  if (!(out->w_lr > 0) || !(out->alpha_lr > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": w_lr and alpha_lr must be > 0"));
  }
  if (!(out->w_lr_min >= 0 && out->w_lr_min <= out->w_lr)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".w_lr_min must be in [0, w_lr]"));
  }
  if (out->w_momentum < 0 || out->w_weight_decay < 0 || out->w_grad_clip < 0 ||
      out->alpha_weight_decay < 0 || out->alpha_init_scale < 0 || out->discrete_bn_batches < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        path,
        ": w_momentum, w_weight_decay, w_grad_clip, alpha_weight_decay, alpha_init_scale and "
        "discrete_bn_batches must be >= 0"));
  }
  if (!(out->hessian_eps > 0))
    return absl::InvalidArgumentError(absl::StrCat(path, ".hessian_eps must be > 0"));
  if (!(out->collapse_threshold > 0 && out->collapse_threshold <= 1)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".collapse_threshold must be in (0, 1]"));
  }
  if (!(out->warmup_epochs >= 0)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".warmup_epochs must be >= 0"));
  }
  if (!(out->early_stop_share >= 0 && out->early_stop_share <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".early_stop_share must be in [0, 1] (0 = never)"));
  }
  NAS_RETURN_IF_ERROR(ValidateLatencyBudget(out->latency, path));
  return absl::OkStatus();
}

Json DartsTrainerOptionsToJson(const DartsTrainerOptions& o) {
  return {{"w_lr", o.w_lr},
          {"w_lr_min", o.w_lr_min},
          {"w_momentum", o.w_momentum},
          {"w_weight_decay", o.w_weight_decay},
          {"w_grad_clip", o.w_grad_clip},
          {"alpha_lr", o.alpha_lr},
          {"alpha_betas", std::vector<double>(o.alpha_betas.begin(), o.alpha_betas.end())},
          {"alpha_weight_decay", o.alpha_weight_decay},
          {"alpha_init_scale", o.alpha_init_scale},
          {"unrolled", o.unrolled},
          {"hessian_eps", o.hessian_eps},
          {"collapse_threshold", o.collapse_threshold},
          {"discrete_bn_batches", o.discrete_bn_batches},
          {"warmup_epochs", o.warmup_epochs},
          {"early_stop_share", o.early_stop_share},
          {"seed", o.seed},
          {"latency_budget_ms", o.latency.budget_ms},
          {"latency_weight", o.latency.weight},
          {"latency_batch", o.latency.batch},
          {"latency_table", o.latency.table}};
}

namespace {

BuiltSpace SpaceOf(DartsNetwork network) {
  BuiltSpace space;
  space.model = network.ptr();
  space.forward = [impl = network.ptr()](const at::Tensor& x) { return impl->forward(x); };
  return space;
}

}  // namespace

DartsTrainer::DartsTrainer(TrainerOptions trainer_options, DartsTrainerOptions options,
                           DartsNetwork network, BatchSource* train, BatchSource* arch,
                           BatchSource* valid, Distributed* distributed)
    : DartsTrainer(std::move(trainer_options), std::move(options), SpaceOf(std::move(network)),
                   train, arch, valid, distributed) {}

DartsTrainer::DartsTrainer(TrainerOptions trainer_options, DartsTrainerOptions options,
                           BuiltSpace space, BatchSource* train, BatchSource* arch,
                           BatchSource* valid, Distributed* distributed)
    : Trainer(trainer_options, space.model, train, distributed),
      options_(std::move(options)),
      space_(std::move(space)),
      darts_cells_(std::dynamic_pointer_cast<DartsNetworkImpl>(space_.model) != nullptr),
      arch_(arch, "DartsTrainer's architecture data", train),
      valid_(valid) {
  mutator_ = std::make_unique<DartsMutator>(space_.model, options_.seed, options_.alpha_init_scale);
  mutator_->to(at::Device(trainer_options.device));
  add_epoch_log("genotypes.jsonl");
  set_mutator(mutator_.get());
  weights_ = space_.model->parameters();
  sgd_ = std::make_unique<torch::optim::SGD>(weights_, torch::optim::SGDOptions(options_.w_lr)
                                                           .momentum(options_.w_momentum)
                                                           .weight_decay(options_.w_weight_decay));
  adam_ = std::make_unique<torch::optim::Adam>(
      mutator_->parameters(), torch::optim::AdamOptions(options_.alpha_lr)
                                  .betas({options_.alpha_betas[0], options_.alpha_betas[1]})
                                  .weight_decay(options_.alpha_weight_decay));
  add_optimizer("weights", sgd_.get(),
                CosineLr(options_.w_lr, options_.w_lr_min, trainer_options.epochs));
  add_optimizer("alphas", adam_.get(), nullptr);
}

at::Tensor DartsTrainer::loss(const Batch& batch) {
  at::Tensor logits;
  {
    auto guard = autocast();
    logits = space_.forward(batch.data);
  }
  return torch::nn::functional::cross_entropy(logits.to(at::kFloat), batch.target);
}

VirtualStep DartsTrainer::virtual_step() {
  VirtualStep step;
  step.lr = GetLearningRate(*sgd_);
  step.momentum = options_.w_momentum;
  step.weight_decay = options_.w_weight_decay;
  step.hessian_eps = options_.hessian_eps;
  for (const at::Tensor& w : weights_) {
    const torch::optim::OptimizerParamState* state = FindOptimizerState(*sgd_, w);
    step.momentum_buffers.push_back(
        state == nullptr
            ? at::Tensor()
            : static_cast<const torch::optim::SGDParamState*>(state)->momentum_buffer());
  }
  return step;
}

void DartsTrainer::set_latency_table(std::shared_ptr<const LatencyTable> table) {
  latency_ = std::move(table);
  // As the export (DartsMutator::sample_final) keeps n_chosen of a node's k
  // edges and drops the rest, an edge runs with probability n_chosen / k.
  latency_share_.clear();
  for (const ChoiceSpec& spec : mutator_->search_space().choices()) {
    if (spec.kind != MutableKind::kInputChoice || !spec.n_chosen.has_value()) continue;
    for (const std::string& edge : spec.candidates) {
      latency_share_[edge] = std::min(1.0, static_cast<double>(*spec.n_chosen) / spec.size());
    }
  }
}

at::Tensor DartsTrainer::expected_latency() {
  TORCH_CHECK(latency_ != nullptr, "DartsTrainer: no latency table (set_latency_table)");
  std::map<std::string, at::Tensor> probabilities;
  for (const auto& [key, alpha] : mutator_->alphas()) probabilities[key] = at::softmax(alpha, -1);
  return ExpectedLatencyOrThrow(latency_.get(), probabilities, latency_share_);
}

std::vector<at::Tensor> DartsTrainer::architecture_gradient(const Batch& train, const Batch& arch) {
  BatchLoss batch_loss = [this](const Batch& b) { return loss(b); };
  mutator_->set_detach_weights(false);
  std::vector<at::Tensor> grads =
      options_.unrolled ? SecondOrderArchitectureGradient(*mutator_, weights_, batch_loss, train,
                                                          arch, virtual_step(), distributed())
                        : FirstOrderArchitectureGradient(*mutator_, batch_loss, arch);
  if (!options_.latency.active() || options_.latency.weight <= 0) return grads;
  // The budget's penalty: the same on every rank (alphas are equal), so it
  // is added after the ranks' gradients were averaged.
  at::Tensor penalty = LatencyPenalty(expected_latency(), options_.latency);
  std::vector<at::Tensor> alphas = mutator_->parameters();
  std::vector<at::Tensor> extra =
      torch::autograd::grad({penalty}, alphas, {}, /*retain_graph=*/false, /*create_graph=*/false,
                            /*allow_unused=*/true);
  for (size_t i = 0; i < grads.size(); ++i) {
    if (extra[i].defined()) grads[i] = grads[i] + extra[i].to(grads[i].scalar_type());
  }
  return grads;
}

Metrics DartsTrainer::train_step(const Batch& batch) {
  // 1. Architecture step (none during the warm-up).
  const double warmup_steps = options_.warmup_epochs * train_source()->batches_per_epoch();
  if (static_cast<double>(global_step()) >= warmup_steps) {
    Batch arch = arch_.at(batch.epoch, batch.index, device());
    std::vector<at::Tensor> alpha_grads = architecture_gradient(batch, arch);
    std::vector<at::Tensor> alphas = mutator_->parameters();
    std::vector<at::Tensor> before;
    if (options_.early_stop_share > 0) {
      for (const at::Tensor& alpha : alphas) before.push_back(alpha.detach().clone());
    }
    for (size_t i = 0; i < alphas.size(); ++i) alphas[i].mutable_grad() = alpha_grads[i];
    step(*adam_);
    if (options_.early_stop_share > 0) {
      const double share = watched_parameter_free_share();
      if (share >= options_.early_stop_share) {
        at::NoGradGuard no_grad;
        for (size_t i = 0; i < alphas.size(); ++i) alphas[i].copy_(before[i]);
        stopped_at_step_ = global_step() + 1;
        if (is_main()) {
          LOG(INFO) << "early stop at step " << stopped_at_step_ << ": the parameter-free share "
                    << share << " reached early_stop_share " << options_.early_stop_share
                    << "; the architecture of the step before is kept";
        }
        return {};
      }
    }
  }
  // 2. Weight step with the updated (detached) alphas.
  mutator_->set_detach_weights(true);
  mutator_->reset();
  at::Tensor logits;
  {
    auto guard = autocast();
    logits = space_.forward(batch.data);
  }
  at::Tensor train_loss = torch::nn::functional::cross_entropy(logits.to(at::kFloat), batch.target);
  backward(train_loss);
  step(*sgd_, options_.w_grad_clip);
  mutator_->set_detach_weights(false);
  const double accuracy = (logits.argmax(1) == batch.target).to(at::kFloat).mean().item<double>();
  return {{"loss", train_loss.item<double>()}, {"accuracy", accuracy}};
}

void DartsTrainer::save_extra(torch::serialize::OutputArchive& archive) const {
  archive.write("darts_trainer.stopped_at_step", c10::IValue(stopped_at_step_));
}

void DartsTrainer::load_extra(torch::serialize::InputArchive& archive) {
  c10::IValue value;
  stopped_at_step_ = archive.try_read("darts_trainer.stopped_at_step", value) ? value.toInt() : 0;
}

Genotype DartsTrainer::genotype() {
  TORCH_CHECK(darts_cells_, "DartsTrainer::genotype(): the space is not the DARTS cell network");
  absl::StatusOr<Genotype> g = GenotypeOf(mutator_->sample_final(), mutator_->search_space());
  TORCH_CHECK(g.ok(), g.status().message());
  return *std::move(g);
}

double DartsTrainer::parameter_free_share() {
  if (darts_cells_) return genotype().parameter_free_share();
  const Architecture arch = mutator_->export_architecture();
  int64_t ops = 0, free = 0;
  for (const ChoiceSpec& spec : mutator_->search_space().choices()) {
    if (spec.kind != MutableKind::kLayerChoice) continue;
    auto it = arch.values().find(spec.key);
    if (it == arch.values().end() || !it->second.is_string()) continue;
    ++ops;
    free += IsParameterFree(it->second.get<std::string>()) ? 1 : 0;
  }
  return ops == 0 ? 0.0 : static_cast<double>(free) / static_cast<double>(ops);
}

double DartsTrainer::watched_parameter_free_share() {
  return darts_cells_ ? genotype().normal.parameter_free_share() : parameter_free_share();
}

Metrics DartsTrainer::validate(int64_t epoch) {
  Metrics metrics;
  log_architecture(epoch, metrics);
  if (valid_ == nullptr) return metrics;
  auto forward = [this](const at::Tensor& x) {
    auto guard = autocast();
    return space_.forward(x.to(device()));
  };
  // The weighted supernet (what NNI reports).
  mutator_->set_detach_weights(true);
  mutator_->reset();
  space_.model->eval();
  ClassifierScore supernet = EvaluateClassifier(forward, *valid_);
  metrics["supernet_loss"] = supernet.loss;
  metrics["supernet_accuracy"] = supernet.accuracy;
  // The exported discrete architecture on the supernet's weights, with BN
  // statistics of its own (then restored: training continues unchanged).
  std::vector<at::Tensor> buffers;
  for (const at::Tensor& b : space_.model->buffers()) buffers.push_back(b.clone());
  mutator_->set_decisions(mutator_->sample_final());
  if (options_.discrete_bn_batches > 0) {
    absl::StatusOr<int64_t> used = RecalibrateBatchNorm(*space_.model, forward, arch_.source(),
                                                        options_.discrete_bn_batches, epoch);
    TORCH_CHECK(used.ok(), used.status().message());
    arch_.invalidate();  // recalibration read the arch source
  }
  space_.model->eval();
  ClassifierScore discrete = EvaluateClassifier(forward, *valid_);
  metrics["discrete_loss"] = discrete.loss;
  metrics["discrete_accuracy"] = discrete.accuracy;
  {
    at::NoGradGuard no_grad;
    std::vector<at::Tensor> now = space_.model->buffers();
    for (size_t i = 0; i < now.size(); ++i) now[i].copy_(buffers[i]);
  }
  space_.model->train();
  mutator_->set_detach_weights(false);
  mutator_->reset();
  return metrics;
}

void DartsTrainer::log_architecture(int64_t epoch, Metrics& metrics) {
  const Architecture arch = mutator_->export_architecture();
  std::optional<Genotype> g;
  if (darts_cells_) g = genotype();
  // The collapse signal: the normal cell's share on the DARTS network (its
  // reduction cell is pooling by design), every layer choice's elsewhere.
  const double share = g.has_value() ? g->parameter_free_share() : parameter_free_share();
  const double watched = g.has_value() ? g->normal.parameter_free_share() : share;
  metrics["param_free_share"] = share;
  if (g.has_value()) metrics["param_free_share_normal"] = watched;
  if (latency_ != nullptr) {
    metrics["expected_latency_ms"] = expected_latency().item<double>();
    absl::StatusOr<Decisions> decisions = arch.resolve(mutator_->search_space());
    TORCH_CHECK(decisions.ok(), decisions.status().message());
    const double ms = PredictedLatencyOrThrow(latency_.get(), *decisions);
    metrics["latency_ms"] = ms;
    if (is_main()) {
      LOG(INFO) << "epoch " << epoch << " latency: " << ms << " ms predicted for the exported "
                << "architecture (budget " << options_.latency.budget_ms << " ms, expectation "
                << metrics["expected_latency_ms"] << " ms)";
    }
  }
  if (is_main()) {
    LOG(INFO) << "epoch " << epoch
              << " architecture: " << (g.has_value() ? g->to_string() : arch.to_json().dump());
    LOG(INFO) << "epoch " << epoch << " parameter-free share: " << share
              << (g.has_value() ? absl::StrCat(" (normal cell ", watched, ")") : "");
    if (watched >= options_.collapse_threshold) {
      LOG(WARNING) << "epoch " << epoch << ": " << static_cast<int>(watched * 100 + 0.5) << "% of "
                   << (g.has_value() ? "the normal cell's" : "the chosen")
                   << " operations are parameter-free (skip/pooling), at or above "
                      "collapse_threshold "
                   << options_.collapse_threshold
                   << ": the known DARTS collapse. Consider fewer search epochs or the "
                      "architecture of an earlier epoch (genotypes.jsonl).";
    }
  }
  if (!is_main() || options().output_dir.empty()) return;
  absl::StatusOr<std::unique_ptr<JsonLinesWriter>> writer =
      JsonLinesWriter::Open(options().output_dir + "/genotypes.jsonl");
  TORCH_CHECK(writer.ok(), writer.status().message());
  Json line = {{"epoch", epoch}, {"param_free_share", share}, {"architecture", arch.to_json()}};
  if (g.has_value()) {
    line["genotype"] = g->to_string();
    line["param_free_share_normal"] = watched;
  }
  absl::Status status = (*writer)->append(line);
  TORCH_CHECK(status.ok(), status.message());
}

}  // namespace nas::darts
