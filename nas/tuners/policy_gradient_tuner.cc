#include "nas/tuners/policy_gradient_tuner.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/core/parameters.h"

namespace nas {
namespace {

// Kingma & Ba's defaults (arXiv 1412.6980, Algorithm 1).
constexpr double kAdamBeta1 = 0.9;
constexpr double kAdamBeta2 = 0.999;
constexpr double kAdamEps = 1e-8;

absl::Status UnknownKey(const std::string& key) {
  return absl::NotFoundError(absl::StrCat("policy gradient tuner: no choice key '", key, "'"));
}

}  // namespace

absl::StatusOr<PolicyGradientTunerOptions> PolicyGradientTunerOptionsFromJson(const Json& j) {
  PolicyGradientTunerOptions o;
  JsonObjectReader r(j, "policy gradient tuner options");
  r.Optional("learning_rate", &o.learning_rate)
      .Optional("baseline_decay", &o.baseline_decay)
      .Optional("entropy_weight", &o.entropy_weight)
      .Optional("batch_size", &o.batch_size);
  NAS_RETURN_IF_ERROR(r.Finish());
  auto bad = [](absl::string_view option, absl::string_view need, double got) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy gradient tuner options: ", option, " must be ", need, ", got ", got));
  };
  if (!(o.learning_rate > 0)) return bad("learning_rate", "> 0", o.learning_rate);
  if (!(o.baseline_decay >= 0 && o.baseline_decay < 1)) {
    return bad("baseline_decay", "in [0, 1)", o.baseline_decay);
  }
  if (!(o.entropy_weight >= 0)) return bad("entropy_weight", ">= 0", o.entropy_weight);
  if (o.batch_size < 1) return bad("batch_size", ">= 1", o.batch_size);
  return o;
}

PolicyGradientTuner::PolicyGradientTuner(PolicyGradientTunerOptions options, uint64_t seed)
    : options_(options), rng_(seed) {}

absl::Status PolicyGradientTuner::update_search_space(const SearchSpace& space) {
  if (space.choices().empty()) {
    return absl::InvalidArgumentError("policy gradient tuner: the search space has no choices");
  }
  std::vector<Policy> policies;
  for (const auto& spec : space.choices()) {
    auto distribution = ChoiceDistribution::from_spec(spec);
    if (!distribution.ok()) return Annotate(distribution.status(), "policy gradient tuner");
    std::vector<double> zeros(spec.size(), 0.0);
    policies.push_back({*distribution, zeros, zeros, zeros, zeros});
  }
  space_ = space;
  has_space_ = true;
  policies_ = std::move(policies);
  pending_.clear();
  baseline_.reset();
  batch_count_ = 0;
  step_ = 0;
  best_parameters_ = Json();
  best_value_ = 0;
  return absl::OkStatus();
}

Json PolicyGradientTuner::to_parameters(const Sample& sample) const {
  Json params = Json::object();
  for (size_t c = 0; c < policies_.size(); ++c) {
    const ChoiceSpec& spec = space_.choices()[c];
    if (spec.kind == MutableKind::kLayerChoice) {
      params[spec.key] = {{"_value", spec.candidates[sample[c][0]]}, {"_idx", sample[c][0]}};
      continue;
    }
    // Increasing order, as ParametersFromArchitecture writes it; the draw
    // order only matters to the log-prob, which uses the remembered sample.
    std::vector<int64_t> idx = sample[c];
    std::sort(idx.begin(), idx.end());
    std::vector<std::string> values;
    for (int64_t i : idx) values.push_back(spec.candidates[i]);
    params[spec.key] = {{"_value", values}, {"_idx", idx}};
  }
  return params;
}

absl::StatusOr<Json> PolicyGradientTuner::generate_parameters(int64_t parameter_id) {
  if (!has_space_) {
    return absl::FailedPreconditionError(
        "policy gradient tuner: update_search_space() was not called");
  }
  if (pending_.count(parameter_id)) {
    return absl::InvalidArgumentError(absl::StrCat("policy gradient tuner: parameter id ",
                                                   parameter_id, " is already outstanding"));
  }
  Sample sample;
  for (const Policy& policy : policies_) {
    sample.push_back(policy.distribution.sample(policy.logits, rng_));
  }
  Json params = to_parameters(sample);
  pending_[parameter_id] = std::move(sample);
  return params;
}

absl::Status PolicyGradientTuner::check_matches(int64_t parameter_id, const Json& parameters,
                                                const Sample& sample) const {
  NAS_RETURN_IF_ERROR(Annotate(ArchitectureFromParameters(parameters, space_).status(),
                               absl::StrCat("policy gradient tuner: parameter id ", parameter_id)));
  for (size_t c = 0; c < policies_.size(); ++c) {
    const ChoiceSpec& spec = space_.choices()[c];
    const Json& idx = parameters.at(spec.key).at("_idx");
    std::vector<int64_t> got, proposed = sample[c];
    if (spec.kind == MutableKind::kLayerChoice) {
      got.push_back(idx.get<int64_t>());
    } else {
      got = idx.get<std::vector<int64_t>>();
    }
    std::sort(got.begin(), got.end());
    std::sort(proposed.begin(), proposed.end());
    if (got != proposed) {
      return absl::InvalidArgumentError(
          absl::StrCat("policy gradient tuner: the parameters reported for id ", parameter_id,
                       " are not the ones proposed for it (key '", spec.key, "')"));
    }
  }
  return absl::OkStatus();
}

absl::Status PolicyGradientTuner::receive_trial_result(int64_t parameter_id, const Json& parameters,
                                                       double value) {
  if (!has_space_) {
    return absl::FailedPreconditionError(
        "policy gradient tuner: update_search_space() was not called");
  }
  auto it = pending_.find(parameter_id);
  if (it == pending_.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy gradient tuner: no outstanding proposal with parameter id ",
                     parameter_id, " (never generated, already reported, or ended as failed)"));
  }
  if (!std::isfinite(value)) {
    return absl::InvalidArgumentError(absl::StrCat("policy gradient tuner: parameter id ",
                                                   parameter_id, ": the value ", value,
                                                   " is not finite"));
  }
  NAS_RETURN_IF_ERROR(check_matches(parameter_id, parameters, it->second));

  if (!baseline_) baseline_ = value;
  const double advantage = value - *baseline_;
  *baseline_ = options_.baseline_decay * *baseline_ + (1 - options_.baseline_decay) * value;
  std::vector<double> gradient;
  for (size_t c = 0; c < policies_.size(); ++c) {
    Policy& policy = policies_[c];
    policy.distribution.log_prob(policy.logits, it->second[c], &gradient);
    for (size_t i = 0; i < gradient.size(); ++i)
      policy.batch_gradient[i] += advantage * gradient[i];
  }
  pending_.erase(it);
  if (best_parameters_.is_null() || value > best_value_) {
    best_parameters_ = parameters;
    best_value_ = value;
  }
  if (++batch_count_ == options_.batch_size) apply_update();
  return absl::OkStatus();
}

void PolicyGradientTuner::apply_update() {
  ++step_;
  const double correction1 = 1 - std::pow(kAdamBeta1, static_cast<double>(step_));
  const double correction2 = 1 - std::pow(kAdamBeta2, static_cast<double>(step_));
  std::vector<double> entropy_gradient;
  for (Policy& policy : policies_) {
    if (options_.entropy_weight > 0) {
      policy.distribution.entropy(policy.logits, &entropy_gradient);
    } else {
      entropy_gradient.assign(policy.logits.size(), 0.0);
    }
    for (size_t i = 0; i < policy.logits.size(); ++i) {
      // Ascent on the batch mean of A * dlog pi + entropy_weight * dH.
      double g =
          policy.batch_gradient[i] / batch_count_ + options_.entropy_weight * entropy_gradient[i];
      policy.adam_m[i] = kAdamBeta1 * policy.adam_m[i] + (1 - kAdamBeta1) * g;
      policy.adam_v[i] = kAdamBeta2 * policy.adam_v[i] + (1 - kAdamBeta2) * g * g;
      policy.logits[i] += options_.learning_rate * (policy.adam_m[i] / correction1) /
                          (std::sqrt(policy.adam_v[i] / correction2) + kAdamEps);
      policy.batch_gradient[i] = 0;
    }
  }
  batch_count_ = 0;
}

void PolicyGradientTuner::trial_end(int64_t parameter_id, bool success) {
  if (!success) pending_.erase(parameter_id);
}

int PolicyGradientTuner::index_of(const std::string& key) const {
  for (size_t c = 0; c < policies_.size(); ++c) {
    if (space_.choices()[c].key == key) return static_cast<int>(c);
  }
  return -1;
}

absl::StatusOr<Json> PolicyGradientTuner::most_likely_parameters() const {
  if (!has_space_) {
    return absl::FailedPreconditionError(
        "policy gradient tuner: update_search_space() was not called");
  }
  Sample mode;
  for (const Policy& policy : policies_)
    mode.push_back(policy.distribution.most_likely(policy.logits));
  return to_parameters(mode);
}

absl::StatusOr<std::vector<double>> PolicyGradientTuner::probabilities(
    const std::string& key) const {
  int c = index_of(key);
  if (c < 0) return UnknownKey(key);
  return policies_[c].distribution.probabilities(policies_[c].logits);
}

absl::StatusOr<std::vector<double>> PolicyGradientTuner::logits(const std::string& key) const {
  int c = index_of(key);
  if (c < 0) return UnknownKey(key);
  return policies_[c].logits;
}

absl::Status PolicyGradientTuner::set_logits(const std::string& key, std::vector<double> logits) {
  int c = index_of(key);
  if (c < 0) return UnknownKey(key);
  if (logits.size() != policies_[c].logits.size()) {
    return absl::InvalidArgumentError(absl::StrCat("policy gradient tuner: key '", key, "' has ",
                                                   policies_[c].logits.size(), " candidates, got ",
                                                   logits.size(), " logits"));
  }
  policies_[c].logits = std::move(logits);
  return absl::OkStatus();
}

namespace {

absl::StatusOr<std::unique_ptr<Tuner>> MakePolicyGradientTuner(const TunerConfig& config) {
  NAS_ASSIGN_OR_RETURN(PolicyGradientTunerOptions options,
                       PolicyGradientTunerOptionsFromJson(config.options));
  return std::unique_ptr<Tuner>(std::make_unique<PolicyGradientTuner>(options, config.seed));
}

}  // namespace
}  // namespace nas

NAS_REGISTER(nas::TunerRegistry(), "rl", &nas::MakePolicyGradientTuner);
NAS_REGISTER(nas::TunerRegistry(), "policy_gradient", &nas::MakePolicyGradientTuner);
