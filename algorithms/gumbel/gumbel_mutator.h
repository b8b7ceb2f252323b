// GumbelMutator: differentiable architecture sampling with the Gumbel-softmax
// trick (SNAS, Xie et al., ICLR 2019, arXiv 1812.09926; GDAS, Dong & Yang,
// CVPR 2019, arXiv 1910.04465). The example of the *advanced* mutator path:
// it overrides BaseMutator's forward hooks to decide how candidates run.
//
//   logits[key] ──> + Gumbel noise g ──> y = softmax((logits + g) / tau)
//                                        │
//     hard (default): run ONLY the argmax candidate, output * (1 - sg(y_k) + y_k)
//                     (value 1, gradient of y_k: straight-through estimator)
//     soft:           run every candidate, output = sum_i y_i * candidate_i(x)
//
// Per choice key it owns one logit per candidate (its own parameters(),
// saved by save()/load() with its noise generator and temperature):
//   * LayerChoice and InputChoice with n_chosen = k: a categorical over the
//     candidates; the hard sample is the top-k of logits + g (Gumbel-top-k);
//   * InputChoice with n_chosen unset: an independent relaxed Bernoulli per
//     input (logistic noise); the hard sample keeps inputs with logit + noise > 0.
// Soft mode relaxes layer choices only; input choices always run hard.
//
// It derives from nas::Mutator (itself a BaseMutator) so that the trainer
// base, reset()/set_decisions(), export and the conformance suite work as
// for any mutator: reset() draws the noise for the next step and caches the
// hard sample (the same on every rank after sync_decisions()), and the hooks
// run exactly the cached selection, multiplied by its relaxed weight so the
// logits receive gradients. In eval mode or without gradients (validation,
// export checks) the hooks fall back to Mutator's plain cached-decision path.
//
// | option            | default | meaning                                      |
// |-------------------|---------|----------------------------------------------|
// | temperature       | 1       | tau; annealed by the trainer                 |
// | mode              | hard    | hard (straight-through) or soft (relaxation) |
//
// Export (sample_final) = the argmax (top-k; logits > 0 for Bernoulli inputs).
//
// Example:
//   nas::gumbel::GumbelMutator mutator(model, /*seed=*/0);
//   torch::optim::Adam arch(mutator.parameters(), 3e-4);
//   mutator.reset();                        // noise + hard sample for this step
//   loss(model->forward(x)).backward();     // logits get gradients
//   arch.step();
//   NAS_RETURN_IF_ERROR(nas::WriteArchitecture("arch.json", mutator.export_architecture()));
#ifndef ALGORITHMS_GUMBEL_GUMBEL_MUTATOR_H_
#define ALGORITHMS_GUMBEL_GUMBEL_MUTATOR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nas/core/mutator.h"

namespace nas::gumbel {

enum class GumbelMode { kHard, kSoft };

// "hard" / "soft"; anything else is InvalidArgument listing both.
absl::StatusOr<GumbelMode> GumbelModeFromString(const std::string& name);
const char* GumbelModeName(GumbelMode mode);

class GumbelMutator : public Mutator {
 public:
  GumbelMutator(std::shared_ptr<torch::nn::Module> model, uint64_t seed = 0);
  template <typename M>
  GumbelMutator(const torch::nn::ModuleHolder<M>& model, uint64_t seed = 0)
      : GumbelMutator(std::static_pointer_cast<torch::nn::Module>(model.ptr()), seed) {}

  // Draws fresh noise per key and returns the hard sample it implies.
  Decisions sample_search() override;
  // The argmax architecture.
  Decisions sample_final() override;

  ChoiceOutput on_forward_layer_choice(LayerChoiceImpl& choice, const CandidateFn& run) override;
  ChoiceOutput on_forward_input_choice(InputChoiceImpl& choice, const CandidateFn& run) override;

  std::vector<at::Tensor> parameters() const override;
  void to(const at::Device& device) override;
  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

  void set_temperature(double temperature);
  double temperature() const { return temperature_; }
  void set_mode(GumbelMode mode) { mode_ = mode; }
  GumbelMode mode() const { return mode_; }

  // The logits of `key` (throws naming the key when there is none).
  const at::Tensor& logits(const std::string& key) const;
  // Per key: softmax(logits) for categorical choices, sigmoid(logits) for
  // Bernoulli inputs; for reports.
  Json probabilities() const;

 private:
  bool is_bernoulli(const ChoiceSpec& spec) const;
  // The relaxed weights y of `spec` under the current noise and temperature.
  at::Tensor relaxed(const ChoiceSpec& spec) const;
  // Runs the cached sample; with `relax`, weighted by its straight-through
  // relaxed weight (value 1, gradient of y).
  ChoiceOutput run_hard(const ChoiceSpec& spec, Reduction reduction, bool relax,
                        const CandidateFn& run);

  std::mt19937_64 rng_;
  double temperature_ = 1.0;
  GumbelMode mode_ = GumbelMode::kHard;
  std::map<std::string, at::Tensor> logits_;  // requires_grad, float32
  std::map<std::string, at::Tensor> noise_;   // of the last sample_search()
};

}  // namespace nas::gumbel

#endif  // ALGORITHMS_GUMBEL_GUMBEL_MUTATOR_H_
