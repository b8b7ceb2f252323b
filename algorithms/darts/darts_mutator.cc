#include "algorithms/darts/darts_mutator.h"

#include <algorithm>
#include <numeric>
#include <set>

#include <ATen/ATen.h>
#include <torch/serialize/archive.h>

#include "nas/core/layer_choice.h"
#include "nas/core/search_space.h"

namespace nas::darts {

namespace {

constexpr char kNone[] = "none";

// Largest softmax weight of a candidate other than "none" and its index
// (-1 when every candidate is "none").
std::pair<double, int64_t> BestNonNone(const ChoiceSpec& spec, const at::Tensor& weights) {
  at::Tensor w = weights.to(at::kDouble).contiguous();
  const double* p = w.data_ptr<double>();
  double best = -1;
  int64_t index = -1;
  for (int64_t i = 0; i < spec.size(); ++i) {
    if (spec.candidates[i] == kNone) continue;
    if (p[i] > best) {
      best = p[i];
      index = i;
    }
  }
  return {best, index};
}

at::Tensor OneHot(int64_t n, int64_t index) {
  at::Tensor mask = at::zeros({n}, at::kBool);
  if (index >= 0) mask[index] = true;
  return mask;
}

}  // namespace

DartsMutator::DartsMutator(std::shared_ptr<torch::nn::Module> model, uint64_t seed,
                           double init_scale)
    : Mutator(std::move(model)) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (const ChoiceSpec& spec : search_space().choices()) {
    if (spec.kind != MutableKind::kLayerChoice) continue;
    at::Tensor alpha =
        at::randn({spec.size()}, gen, at::TensorOptions().dtype(at::kFloat)).mul_(init_scale);
    alphas_[spec.key] = alpha.set_requires_grad(true);
    order_.push_back(spec.key);
  }
}

ChoiceOutput DartsMutator::on_forward_layer_choice(LayerChoiceImpl& choice,
                                                  const CandidateFn& run) {
  std::vector<int64_t> zero_outputs;
  const std::vector<std::string>& names = choice.names();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "none") zero_outputs.push_back(static_cast<int64_t>(i));
  }
  return SelectAndReduce(choice.key(), decision(choice.key()), choice.n_candidates(), run,
                         choice.options().reduction(), zero_outputs);
}

Decisions DartsMutator::sample_search() {
  Decisions decisions;
  for (const ChoiceSpec& spec : search_space().choices()) {
    if (spec.kind == MutableKind::kLayerChoice) {
      const at::Tensor& alpha = alphas_.at(spec.key);
      auto pinned = projected_.find(spec.key);
      decisions[spec.key] = pinned != projected_.end()
                                ? OneHot(spec.size(), pinned->second).to(alpha.device(), at::kFloat)
                                : at::softmax(detach_ ? alpha.detach() : alpha, 0);
    } else {
      decisions[spec.key] =
          at::ones({spec.size()},
                   at::TensorOptions()
                       .dtype(at::kFloat)
                       .device(alphas_.empty() ? at::kCPU : alphas_.begin()->second.device()));
    }
  }
  return decisions;
}

std::map<std::string, at::Tensor> DartsMutator::softmax_weights() const {
  at::NoGradGuard no_grad;
  std::map<std::string, at::Tensor> weights;
  for (const auto& [key, alpha] : alphas_) weights[key] = at::softmax(alpha.detach(), 0).cpu();
  return weights;
}

void DartsMutator::project(const std::string& key, int64_t index) {
  auto alpha = alphas_.find(key);
  TORCH_CHECK(alpha != alphas_.end(), "DartsMutator::project: '", key,
              "' is not a layer choice of the space");
  TORCH_CHECK(index >= 0 && index < alpha->second.size(0), "DartsMutator::project: candidate ",
              index, " of '", key, "' is out of range");
  projected_[key] = index;
}

std::map<std::string, at::Tensor> DartsMutator::export_weights() const {
  std::map<std::string, at::Tensor> weights = softmax_weights();
  for (const auto& [key, index] : projected_) {
    weights[key] = OneHot(weights[key].size(0), index).to(at::kFloat);
  }
  return weights;
}

Decisions DartsMutator::sample_final() {
  const std::map<std::string, at::Tensor> weights = export_weights();
  Decisions decisions;
  std::set<std::string> drawn_from;  // layer choices some input choice selects among
  for (const ChoiceSpec& spec : search_space().choices()) {
    if (spec.kind != MutableKind::kInputChoice) continue;
    // Strength of each source; sources that are not layer choices have none.
    std::vector<double> strength(spec.size(), -1.0);
    for (int64_t i = 0; i < spec.size(); ++i) {
      const ChoiceSpec* source = search_space().find(spec.candidates[i]);
      if (source == nullptr || source->kind != MutableKind::kLayerChoice) continue;
      strength[i] = BestNonNone(*source, weights.at(source->key)).first;
      drawn_from.insert(source->key);
    }
    const int64_t keep = spec.n_chosen.value_or(spec.size());
    std::vector<int64_t> order(spec.size());
    std::iota(order.begin(), order.end(), 0);
    // Strongest first; ties (and sources without strength) by position.
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t b) { return strength[a] > strength[b]; });
    at::Tensor mask = at::zeros({spec.size()}, at::kBool);
    for (int64_t r = 0; r < std::min(keep, spec.size()); ++r) mask[order[r]] = true;
    decisions[spec.key] = mask;
    // Kept edges get their best op; the others select nothing.
    for (int64_t i = 0; i < spec.size(); ++i) {
      const ChoiceSpec* source = search_space().find(spec.candidates[i]);
      if (source == nullptr || source->kind != MutableKind::kLayerChoice) continue;
      const bool kept = mask[i].item<bool>();
      at::Tensor edge =
          kept ? OneHot(source->size(), BestNonNone(*source, weights.at(source->key)).second)
               : OneHot(source->size(), -1);
      auto it = decisions.find(source->key);
      decisions[source->key] = it == decisions.end() ? edge : (it->second | edge);
    }
  }
  for (const ChoiceSpec& spec : search_space().choices()) {
    if (spec.kind != MutableKind::kLayerChoice || drawn_from.count(spec.key)) continue;
    auto pinned = projected_.find(spec.key);
    decisions[spec.key] =
        OneHot(spec.size(), pinned != projected_.end()
                                ? pinned->second  // a projection may choose "none" here
                                : BestNonNone(spec, weights.at(spec.key)).second);
  }
  return decisions;
}

std::vector<at::Tensor> DartsMutator::parameters() const {
  std::vector<at::Tensor> params;
  for (const std::string& key : order_) params.push_back(alphas_.at(key));
  return params;
}

void DartsMutator::to(const at::Device& device) {
  at::NoGradGuard no_grad;
  // In place: optimizers holding the alphas keep holding them.
  for (auto& [key, alpha] : alphas_) {
    if (alpha.device() != device) alpha.set_data(alpha.detach().to(device));
  }
}

void DartsMutator::save(torch::serialize::OutputArchive& archive) const {
  for (const auto& [key, alpha] : alphas_)
    archive.write("darts_alpha." + key, alpha.detach(), /*is_buffer=*/true);
  std::vector<int64_t> projected;  // per key in search-space order; -1 = not projected
  for (const std::string& key : order_) {
    auto it = projected_.find(key);
    projected.push_back(it == projected_.end() ? -1 : it->second);
  }
  archive.write("darts_projected", c10::IValue(projected));
}

void DartsMutator::load(torch::serialize::InputArchive& archive) {
  at::NoGradGuard no_grad;
  for (auto& [key, alpha] : alphas_) {
    at::Tensor stored;
    TORCH_CHECK(archive.try_read("darts_alpha." + key, stored, /*is_buffer=*/true),
                "checkpoint has no architecture weights for '", key, "'");
    TORCH_CHECK(stored.sizes() == alpha.sizes(), "architecture weights for '", key, "' have shape ",
                stored.sizes(), " in the checkpoint but ", alpha.sizes(), " in the model");
    alpha.copy_(stored);
  }
  projected_.clear();
  c10::IValue value;
  if (!archive.try_read("darts_projected", value)) return;  // written before projections existed
  std::vector<int64_t> projected = value.toIntVector();
  TORCH_CHECK(projected.size() == order_.size(), "corrupt darts_projected in checkpoint");
  for (size_t i = 0; i < order_.size(); ++i) {
    if (projected[i] < 0) continue;
    TORCH_CHECK(projected[i] < alphas_.at(order_[i]).size(0),
                "corrupt darts_projected in checkpoint");
    projected_[order_[i]] = projected[i];
  }
}

}  // namespace nas::darts
