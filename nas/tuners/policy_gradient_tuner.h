// A policy-gradient (REINFORCE) tuner on the tuner protocol: a learned,
// factorised distribution over the decisions of any search space with layer
// and input choices, trained on the trials' results.
//
// References: Williams, "Simple Statistical Gradient-Following Algorithms for
// Connectionist Reinforcement Learning", Machine Learning 1992 (REINFORCE);
// Zoph & Le, "Neural Architecture Search with Reinforcement Learning", ICLR
// 2017 (arXiv 1611.01578), whose controller used a moving-average baseline.
// Unlike their RNN controller, the policy here is one independent logit
// vector per choice key (no parameters shared between decisions).
//
//   generate_parameters(id):  sample a ~ pi(logits), remember (id -> a)
//   receive_trial_result(id, value):
//     A = value - b;  b = decay * b + (1 - decay) * value   (b = first value)
//     g += A * dlog pi(a)/dlogits
//   every batch_size results:
//     logits += Adam(g / batch_size + entropy_weight * dH/dlogits)   (ascent)
//
// Per choice key (choice_distribution.h):
//
// | choice                       | distribution                              |
// |------------------------------|-------------------------------------------|
// | LayerChoice                  | softmax over the candidates               |
// | InputChoice, n_chosen = k    | k draws without replacement, each a       |
// |                              | softmax over the inputs not yet drawn     |
// | InputChoice, n_chosen unset  | one Bernoulli (sigmoid) per input         |
//
// All logits start at 0 (the uniform distribution). The entropy bonus is the
// exact entropy for the first and last rows; for draws without replacement
// it is the entropy of the first draw's softmax, a proxy (the exact entropy
// of the ordered draws has no closed form) that is zero only when the first
// draw is deterministic, which is what the bonus is there to delay.
//
// | option         | default | meaning                                       |
// |----------------|---------|-----------------------------------------------|
// | learning_rate  | 0.1     | Adam step size on the logits, > 0             |
// | baseline_decay | 0.9     | moving-average decay of the baseline, [0, 1)  |
// | entropy_weight | 0.01    | entropy bonus, in reward units per nat, >= 0  |
// |                |         | (scale with the spread of your metric)        |
// | batch_size     | 1       | results per update, >= 1; proposals may be    |
// |                |         | outstanding (parallel trials) meanwhile       |
//
// Adam uses betas 0.9 / 0.999 and eps 1e-8 (Kingma & Ba's defaults).
// Everything is plain double arithmetic driven by one std::mt19937_64 seeded
// from TunerConfig::seed: a seed and a call sequence give the same proposals.
// Registered as "rl" and "policy_gradient".
//
// Example:
//   nas::TunerConfig config;
//   config.seed = 1;
//   config.options = {{"batch_size", 4}};
//   NAS_ASSIGN_OR_RETURN(auto factory, nas::TunerRegistry().Lookup("rl"));
//   NAS_ASSIGN_OR_RETURN(std::unique_ptr<nas::Tuner> tuner, factory(config));
#ifndef NAS_TUNERS_POLICY_GRADIENT_TUNER_H_
#define NAS_TUNERS_POLICY_GRADIENT_TUNER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nas/multi_trial/tuner.h"
#include "nas/tuners/choice_distribution.h"

namespace nas {

struct PolicyGradientTunerOptions {
  double learning_rate = 0.1;
  double baseline_decay = 0.9;
  double entropy_weight = 0.01;
  int batch_size = 1;
};

// Strict: unknown members and out-of-range values are InvalidArgument
// naming the option.
absl::StatusOr<PolicyGradientTunerOptions> PolicyGradientTunerOptionsFromJson(const Json& j);

class PolicyGradientTuner : public Tuner {
 public:
  PolicyGradientTuner(PolicyGradientTunerOptions options, uint64_t seed);

  // Resets the policy to uniform and forgets outstanding proposals, the
  // baseline, a partial batch and the best result. InvalidArgument for a
  // space without choices or with a choice that cannot be sampled.
  absl::Status update_search_space(const SearchSpace& space) override;
  // Samples the current policy. FailedPrecondition before
  // update_search_space(); InvalidArgument when `parameter_id` is already
  // outstanding.
  absl::StatusOr<Json> generate_parameters(int64_t parameter_id) override;
  // InvalidArgument for an id with no outstanding proposal (never generated,
  // already reported, or ended as failed), parameters that are not the ones
  // proposed for it, or a non-finite value; the state is then unchanged.
  absl::Status receive_trial_result(int64_t parameter_id, const Json& parameters,
                                    double value) override;
  // A failed trial's proposal is dropped: it never contributes to an update.
  // A successful end changes nothing (its result arrives separately).
  void trial_end(int64_t parameter_id, bool success) override;

  // The best result seen (null / 0 before any).
  const Json& best_parameters() const { return best_parameters_; }
  double best_value() const { return best_value_; }

  // The policy's mode (ChoiceDistribution::most_likely per key) as
  // parameters; FailedPrecondition before update_search_space().
  absl::StatusOr<Json> most_likely_parameters() const;
  // ChoiceDistribution::probabilities and the logits of `key`; NotFound for
  // a key outside the space.
  absl::StatusOr<std::vector<double>> probabilities(const std::string& key) const;
  absl::StatusOr<std::vector<double>> logits(const std::string& key) const;
  // Overwrites the logits of `key` (a prior, or a test's starting point);
  // NotFound for an unknown key, InvalidArgument for the wrong length.
  absl::Status set_logits(const std::string& key, std::vector<double> logits);

  // The moving-average baseline; nullopt before the first result.
  std::optional<double> baseline() const { return baseline_; }
  // Adam steps applied so far.
  int64_t updates() const { return step_; }
  // Proposals awaiting a result.
  size_t outstanding() const { return pending_.size(); }

 private:
  // One choice key: its distribution, logits, Adam moments and the sum of
  // the current batch's advantage-weighted log-prob gradients.
  struct Policy {
    ChoiceDistribution distribution;
    std::vector<double> logits, adam_m, adam_v, batch_gradient;
  };
  // Per choice, in the space's order.
  using Sample = std::vector<std::vector<int64_t>>;

  Json to_parameters(const Sample& sample) const;
  absl::Status check_matches(int64_t parameter_id, const Json& parameters,
                             const Sample& sample) const;
  void apply_update();
  // The position of `key` in the space, or -1.
  int index_of(const std::string& key) const;

  PolicyGradientTunerOptions options_;
  std::mt19937_64 rng_;
  SearchSpace space_;
  bool has_space_ = false;
  std::vector<Policy> policies_;  // parallel to space_.choices()
  std::map<int64_t, Sample> pending_;
  std::optional<double> baseline_;
  int batch_count_ = 0;
  int64_t step_ = 0;
  Json best_parameters_;
  double best_value_ = 0;
};

}  // namespace nas

#endif  // NAS_TUNERS_POLICY_GRADIENT_TUNER_H_
