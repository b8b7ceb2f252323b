#include "algorithms/darts/perturbation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>

#include <ATen/ATen.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/module.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/sgd.h>

#include "absl/strings/str_cat.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/base/torch/module_device.h"
#include "nas/train/classifier_evaluation.h"

namespace nas::darts {

absl::Status PerturbationOptionsFromJson(const Json& j, const std::string& path,
                                         PerturbationOptions* out) {
  JsonObjectReader r(j, path);
  r.Optional("tune_steps", &out->tune_steps)
      .Optional("tune_lr", &out->tune_lr)
      .Optional("momentum", &out->momentum)
      .Optional("weight_decay", &out->weight_decay)
      .Optional("grad_clip", &out->grad_clip)
      .Optional("eval_batches", &out->eval_batches)
      .Optional("criterion", &out->criterion)
      .Optional("batch_statistics", &out->batch_statistics)
      .Optional("seed", &out->seed);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (out->tune_steps < -1 || out->eval_batches < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": tune_steps must be >= -1 (-1 = the default) and eval_batches >= 0"));
  }
  if (!(out->tune_lr > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".tune_lr must be > 0"));
  }
  if (out->momentum < 0 || out->weight_decay < 0 || out->grad_clip < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": momentum, weight_decay and grad_clip must be >= 0"));
  }
  if (out->criterion != "accuracy" && out->criterion != "loss") {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".criterion: '", out->criterion, "' is not one of accuracy, loss"));
  }
  return absl::OkStatus();
}

Json PerturbationOptionsToJson(const PerturbationOptions& o) {
  return {{"tune_steps", o.tune_steps},
          {"tune_lr", o.tune_lr},
          {"momentum", o.momentum},
          {"weight_decay", o.weight_decay},
          {"grad_clip", o.grad_clip},
          {"eval_batches", o.eval_batches},
          {"criterion", o.criterion},
          {"batch_statistics", o.batch_statistics},
          {"seed", o.seed}};
}

int64_t DefaultTuneSteps(int64_t search_steps, const SearchSpace& space) {
  int64_t keys = 0;
  for (const ChoiceSpec& spec : space.choices()) keys += spec.kind == MutableKind::kLayerChoice;
  return keys > 1 ? search_steps / 4 / (keys - 1) : 0;
}

Json EdgeDecision::to_json() const {
  Json scores = Json::array();
  for (double s : masked) scores.push_back(std::isnan(s) ? Json(nullptr) : Json(s));
  return {{"key", key}, {"chosen", chosen}, {"masked", scores}, {"unmasked", unmasked}};
}

std::ostream& operator<<(std::ostream& os, const EdgeDecision& decision) {
  return os << decision.to_json().dump();
}

absl::StatusOr<double> MaskedSupernetScore(const BuiltSpace& space, DartsMutator& mutator,
                                           BatchSource& valid, const PerturbationOptions& options,
                                           const std::string& key, int64_t index) {
  const SearchSpace& choices = mutator.search_space();
  const ChoiceSpec* spec = choices.find(key);
  if (spec == nullptr || spec->kind != MutableKind::kLayerChoice) {
    return absl::InvalidArgumentError(
        absl::StrCat("perturbation: '", key, "' is not a layer choice of the space"));
  }
  if (index < -1 || index >= spec->size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("perturbation: candidate ", index, " of '", key, "' is out of range"));
  }
  const Decisions previous = mutator.decisions();
  const bool was_training = space.model->is_training();
  std::vector<at::Tensor> buffers;
  for (const at::Tensor& b : space.model->buffers()) buffers.push_back(b.clone());

  mutator.set_detach_weights(true);
  mutator.reset();
  Decisions masked = mutator.decisions();
  if (index >= 0) {
    at::Tensor weights = masked.at(key).clone();
    weights[index] = 0;
    masked[key] = weights;
  }
  mutator.set_decisions(masked);
  mutator.set_detach_weights(false);
  space.model->train(options.batch_statistics);
  const at::Device device = DeviceOf(*space.model);
  ClassifierScore score = EvaluateClassifier(
      [&](const at::Tensor& x) { return space.forward(x.to(device)); }, valid, options.eval_batches);

  space.model->train(was_training);
  {
    at::NoGradGuard no_grad;
    std::vector<at::Tensor> now = space.model->buffers();
    for (size_t i = 0; i < now.size(); ++i) now[i].copy_(buffers[i]);
  }
  if (!previous.empty()) mutator.set_decisions(previous);
  if (score.examples == 0) {
    return absl::InvalidArgumentError("perturbation: the validation data has no examples");
  }
  return options.criterion == "accuracy" ? score.accuracy : score.loss;
}

namespace {

// Layer choices some input choice selects among (their "none" is left to
// the input choice).
std::set<std::string> DrawnFrom(const SearchSpace& space) {
  std::set<std::string> drawn;
  for (const ChoiceSpec& spec : space.choices()) {
    if (spec.kind != MutableKind::kInputChoice) continue;
    for (const std::string& source : spec.candidates) {
      const ChoiceSpec* s = space.find(source);
      if (s != nullptr && s->kind == MutableKind::kLayerChoice) drawn.insert(source);
    }
  }
  return drawn;
}

// `steps` SGD steps on the weights under the mutator's current weights.
void FineTune(const BuiltSpace& space, DartsMutator& mutator, BatchSource& train,
              const PerturbationOptions& o, int64_t steps, int64_t* epoch) {
  if (steps == 0) return;
  std::vector<at::Tensor> weights = space.model->parameters();
  torch::optim::SGD sgd(
      weights,
      torch::optim::SGDOptions(o.tune_lr).momentum(o.momentum).weight_decay(o.weight_decay));
  const bool was_training = space.model->is_training();
  space.model->train();
  mutator.set_detach_weights(true);
  for (int64_t done = 0; done < steps;) {
    std::optional<Batch> batch = train.next();
    if (!batch.has_value()) {
      train.start_epoch(++*epoch, 0);
      batch = train.next();
      TORCH_CHECK(batch.has_value(), "perturbation: the training data has no batches");
    }
    mutator.reset();
    sgd.zero_grad();
    at::Tensor loss =
        torch::nn::functional::cross_entropy(space.forward(batch->data), batch->target);
    loss.backward();
    if (o.grad_clip > 0) torch::nn::utils::clip_grad_norm_(weights, o.grad_clip);
    sgd.step();
    ++done;
  }
  for (at::Tensor& w : weights) w.mutable_grad().reset();
  mutator.set_detach_weights(false);
  space.model->train(was_training);
}

}  // namespace

absl::StatusOr<std::vector<EdgeDecision>> ProjectByPerturbation(
    const BuiltSpace& space, DartsMutator& mutator, BatchSource& train, BatchSource& valid,
    const PerturbationOptions& options) {
  PerturbationOptions checked;
  NAS_RETURN_IF_ERROR(
      PerturbationOptionsFromJson(PerturbationOptionsToJson(options), "perturbation", &checked));
  if (options.tune_steps < 0) {
    return absl::InvalidArgumentError(
        "perturbation: tune_steps is -1 (the default): resolve it with DefaultTuneSteps");
  }
  const SearchSpace& choices = mutator.search_space();
  std::vector<std::string> undecided;
  for (const ChoiceSpec& spec : choices.choices()) {
    if (spec.kind == MutableKind::kLayerChoice && mutator.projected().count(spec.key) == 0)
      undecided.push_back(spec.key);
  }
  if (undecided.empty() && mutator.projected().empty()) {
    return absl::InvalidArgumentError("perturbation: the space has no layer choice");
  }
  const std::set<std::string> drawn = DrawnFrom(choices);
  std::mt19937_64 rng(options.seed);
  std::shuffle(undecided.begin(), undecided.end(), rng);
  const bool higher_is_better = options.criterion == "accuracy";
  int64_t epoch = 0;
  train.start_epoch(epoch, 0);
  std::vector<EdgeDecision> decisions;
  absl::Status status = CatchExceptions([&]() -> absl::Status {
    for (size_t n = 0; n < undecided.size(); ++n) {
      const ChoiceSpec& spec = *choices.find(undecided[n]);
      EdgeDecision d;
      d.key = spec.key;
      NAS_ASSIGN_OR_RETURN(d.unmasked,
                           MaskedSupernetScore(space, mutator, valid, options, spec.key, -1));
      int64_t best = -1;
      for (int64_t i = 0; i < spec.size(); ++i) {
        if (spec.candidates[i] == "none" && drawn.count(spec.key) > 0) {
          d.masked.push_back(std::numeric_limits<double>::quiet_NaN());
          continue;
        }
        NAS_ASSIGN_OR_RETURN(double score,
                             MaskedSupernetScore(space, mutator, valid, options, spec.key, i));
        d.masked.push_back(score);
        // The candidate whose removal hurts most: the lowest accuracy or
        // the highest loss (first one on ties).
        if (best < 0 || (higher_is_better ? score < d.masked[best] : score > d.masked[best]))
          best = i;
      }
      if (best < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("perturbation: '", spec.key, "' has no candidate to keep"));
      }
      mutator.project(spec.key, best);
      d.chosen = spec.candidates[best];
      LOG(INFO) << "perturbation: " << spec.key << " -> " << d.chosen << " (" << options.criterion
                << " " << d.unmasked << " unmasked, " << d.masked[best] << " without it)";
      decisions.push_back(std::move(d));
      if (n + 1 < undecided.size()) {
        FineTune(space, mutator, train, options, options.tune_steps, &epoch);
      }
    }
    mutator.set_detach_weights(false);
    mutator.reset();
    return absl::OkStatus();
  });
  NAS_RETURN_IF_ERROR(status);
  return decisions;
}

}  // namespace nas::darts
