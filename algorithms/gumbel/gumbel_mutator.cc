#include "algorithms/gumbel/gumbel_mutator.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include <torch/nn/module.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"

namespace nas::gumbel {

absl::StatusOr<GumbelMode> GumbelModeFromString(const std::string& name) {
  if (name == "hard") return GumbelMode::kHard;
  if (name == "soft") return GumbelMode::kSoft;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown Gumbel mode '", name, "'; use hard or soft"));
}

const char* GumbelModeName(GumbelMode mode) { return mode == GumbelMode::kHard ? "hard" : "soft"; }

GumbelMutator::GumbelMutator(std::shared_ptr<torch::nn::Module> model, uint64_t seed)
    : Mutator(std::move(model)), rng_(seed) {
  for (const ChoiceSpec& spec : search_space().choices()) {
    // Zero logits: every candidate equally likely at the start.
    logits_[spec.key] = torch::zeros({spec.size()}).requires_grad_(true);
  }
}

bool GumbelMutator::is_bernoulli(const ChoiceSpec& spec) const {
  return spec.kind == MutableKind::kInputChoice && !spec.n_chosen.has_value();
}

namespace {

// Indices of the k largest values, ties to the lower index (deterministic).
std::vector<int64_t> TopK(const at::Tensor& values, int64_t k) {
  at::Tensor v = values.detach().to(at::kCPU, at::kDouble).contiguous();
  const double* p = v.data_ptr<double>();
  std::vector<int64_t> order(v.numel());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [p](int64_t a, int64_t b) { return p[a] > p[b]; });
  order.resize(std::min<int64_t>(k, order.size()));
  return order;
}

at::Tensor MaskOf(int64_t n, const std::vector<int64_t>& selected) {
  at::Tensor mask = torch::zeros({n}, at::kBool);
  for (int64_t i : selected) mask[i] = true;
  return mask;
}

}  // namespace

Decisions GumbelMutator::sample_search() {
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  Decisions decisions;
  for (const ChoiceSpec& spec : search_space().choices()) {
    const at::Tensor& l = logits_.at(spec.key);
    std::vector<float> noise(spec.size());
    for (float& g : noise) {
      // u in (0, 1): both logs stay finite.
      double u = std::clamp(uniform(rng_), 1e-12, 1.0 - 1e-12);
      g = static_cast<float>(is_bernoulli(spec) ? std::log(u) - std::log1p(-u)  // logistic
                                                : -std::log(-std::log(u)));     // Gumbel
    }
    at::Tensor g = torch::tensor(noise).to(l.device());
    noise_[spec.key] = g;
    at::Tensor perturbed = l.detach() + g;
    if (is_bernoulli(spec)) {
      decisions[spec.key] = (perturbed > 0).to(at::kCPU);
    } else {
      int64_t k = spec.kind == MutableKind::kLayerChoice ? 1 : *spec.n_chosen;
      decisions[spec.key] = MaskOf(spec.size(), TopK(perturbed, k));
    }
  }
  return decisions;
}

Decisions GumbelMutator::sample_final() {
  Decisions decisions;
  for (const ChoiceSpec& spec : search_space().choices()) {
    const at::Tensor& l = logits_.at(spec.key);
    if (is_bernoulli(spec)) {
      decisions[spec.key] = (l.detach() > 0).to(at::kCPU);  // probability > 1/2
    } else {
      int64_t k = spec.kind == MutableKind::kLayerChoice ? 1 : *spec.n_chosen;
      decisions[spec.key] = MaskOf(spec.size(), TopK(l, k));
    }
  }
  return decisions;
}

at::Tensor GumbelMutator::relaxed(const ChoiceSpec& spec) const {
  const at::Tensor& l = logits_.at(spec.key);
  auto it = noise_.find(spec.key);
  at::Tensor z = it == noise_.end() ? l : l + it->second;
  z = z / temperature_;
  return is_bernoulli(spec) ? torch::sigmoid(z) : torch::softmax(z, 0);
}

ChoiceOutput GumbelMutator::run_hard(const ChoiceSpec& spec, Reduction reduction, bool relax,
                                     const CandidateFn& run) {
  const at::Tensor& hard = decision(spec.key);  // the cached sample (bool)
  if (!relax) {
    return SelectAndReduce(spec.key, hard, spec.size(), run, reduction);
  }
  // Straight-through: the value is the hard mask (exactly 0 off the sample,
  // so those candidates never run), the gradient is that of y.
  at::Tensor y = relaxed(spec);
  at::Tensor weights = hard.to(y.device(), y.scalar_type()) - y.detach() + y;
  return SelectAndReduce(spec.key, weights, spec.size(), run, reduction);
}

ChoiceOutput GumbelMutator::on_forward_layer_choice(LayerChoiceImpl& choice,
                                                    const CandidateFn& run) {
  const ChoiceSpec* spec = search_space().find(choice.key());
  TORCH_CHECK(spec != nullptr, "GumbelMutator: unknown choice '", choice.key(), "'");
  // Relax only while training with gradients; in eval mode or without
  // gradients the cached (exported) decision runs as is.
  bool relax = choice.is_training() && at::GradMode::is_enabled();
  if (mode_ == GumbelMode::kSoft && relax) {
    decision(spec->key);  // same "forward before reset()" error as the hard path
    return SelectAndReduce(spec->key, relaxed(*spec), spec->size(), run,
                           choice.options().reduction());
  }
  return run_hard(*spec, choice.options().reduction(), relax, run);
}

ChoiceOutput GumbelMutator::on_forward_input_choice(InputChoiceImpl& choice,
                                                    const CandidateFn& run) {
  const ChoiceSpec* spec = search_space().find(choice.key());
  TORCH_CHECK(spec != nullptr, "GumbelMutator: unknown choice '", choice.key(), "'");
  return run_hard(*spec, choice.options().reduction(),
                  choice.is_training() && at::GradMode::is_enabled(), run);
}

std::vector<at::Tensor> GumbelMutator::parameters() const {
  std::vector<at::Tensor> out;
  for (const ChoiceSpec& spec : search_space().choices()) out.push_back(logits_.at(spec.key));
  return out;
}

void GumbelMutator::to(const at::Device& device) {
  torch::NoGradGuard no_grad;
  // In place, so optimizers holding the logits keep working.
  for (auto& [key, l] : logits_) l.set_data(l.data().to(device));
  for (auto& [key, g] : noise_) g = g.to(device);
}

void GumbelMutator::set_temperature(double temperature) {
  TORCH_CHECK(temperature > 0, "Gumbel temperature must be > 0, got ", temperature);
  temperature_ = temperature;
}

const at::Tensor& GumbelMutator::logits(const std::string& key) const {
  auto it = logits_.find(key);
  TORCH_CHECK(it != logits_.end(), "GumbelMutator: no logits for key '", key, "'");
  return it->second;
}

Json GumbelMutator::probabilities() const {
  Json out = Json::object();
  for (const ChoiceSpec& spec : search_space().choices()) {
    at::Tensor l = logits_.at(spec.key).detach().to(at::kCPU, at::kDouble);
    at::Tensor p = is_bernoulli(spec) ? torch::sigmoid(l) : torch::softmax(l, 0);
    std::vector<double> values(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
    out[spec.key] = values;
  }
  return out;
}

// Archive names may not contain dots (keys are module paths), so logits are
// stored by position with the key list alongside.
void GumbelMutator::save(torch::serialize::OutputArchive& archive) const {
  Json keys = Json::array();
  int64_t i = 0;
  for (const ChoiceSpec& spec : search_space().choices()) {
    keys.push_back(spec.key);
    archive.write("gumbel_logits_" + std::to_string(i++), logits_.at(spec.key).detach().cpu());
  }
  archive.write("gumbel_keys", c10::IValue(keys.dump()));
  std::ostringstream rng;
  rng << rng_;
  archive.write("gumbel_rng", c10::IValue(rng.str()));
  archive.write("gumbel_temperature", c10::IValue(temperature_));
}

void GumbelMutator::load(torch::serialize::InputArchive& archive) {
  c10::IValue keys_value, rng_value, temperature_value;
  archive.read("gumbel_keys", keys_value);
  Json keys = Json::parse(keys_value.toStringRef(), nullptr, /*allow_exceptions=*/false);
  Json expected = Json::array();
  for (const ChoiceSpec& spec : search_space().choices()) expected.push_back(spec.key);
  TORCH_CHECK(keys == expected, "GumbelMutator checkpoint holds logits for keys ", keys.dump(),
              " but the model's choices are ", expected.dump());
  torch::NoGradGuard no_grad;
  int64_t i = 0;
  for (const ChoiceSpec& spec : search_space().choices()) {
    at::Tensor stored;
    archive.read("gumbel_logits_" + std::to_string(i++), stored);
    at::Tensor& l = logits_.at(spec.key);
    TORCH_CHECK(stored.sizes() == l.sizes(), "GumbelMutator checkpoint: logits of '", spec.key,
                "' have shape ", stored.sizes(), ", expected ", l.sizes());
    l.copy_(stored);
  }
  archive.read("gumbel_rng", rng_value);
  std::istringstream rng(rng_value.toStringRef());
  rng >> rng_;
  TORCH_CHECK(!rng.fail(), "corrupt gumbel_rng state in checkpoint");
  archive.read("gumbel_temperature", temperature_value);
  set_temperature(temperature_value.toDouble());
  noise_.clear();
}

}  // namespace nas::gumbel
