#include "algorithms/darts/architecture_gradient.h"

#include <cmath>

#include <torch/autograd.h>

#include <ATen/ATen.h>

namespace nas::darts {

namespace {

// Gradients of `loss` with respect to `inputs`; zeros for inputs it does
// not use.
std::vector<at::Tensor> Grad(const at::Tensor& loss, const std::vector<at::Tensor>& inputs) {
  std::vector<at::Tensor> grads =
      torch::autograd::grad({loss}, inputs, /*grad_outputs=*/{}, /*retain_graph=*/false,
                            /*create_graph=*/false, /*allow_unused=*/true);
  for (size_t i = 0; i < grads.size(); ++i) {
    if (!grads[i].defined()) grads[i] = at::zeros_like(inputs[i]);
  }
  return grads;
}

void AverageOverRanks(Distributed* distributed, const std::vector<at::Tensor>& tensors) {
  if (distributed != nullptr && distributed->world_size() > 1)
    distributed->all_reduce_mean(tensors);
}

// w <- base + scale * direction, in place.
void SetWeights(const std::vector<at::Tensor>& weights, const std::vector<at::Tensor>& base,
                const std::vector<at::Tensor>& direction, double scale) {
  at::NoGradGuard no_grad;
  for (size_t i = 0; i < weights.size(); ++i) weights[i].copy_(base[i] + scale * direction[i]);
}

void RestoreWeights(const std::vector<at::Tensor>& weights,
                    const std::vector<at::Tensor>& original) {
  at::NoGradGuard no_grad;
  for (size_t i = 0; i < weights.size(); ++i) weights[i].copy_(original[i]);
}

}  // namespace

std::vector<at::Tensor> FirstOrderArchitectureGradient(DartsMutator& mutator, const BatchLoss& loss,
                                                       const Batch& valid) {
  mutator.reset();
  return Grad(loss(valid), mutator.parameters());
}

std::vector<at::Tensor> SecondOrderArchitectureGradient(DartsMutator& mutator,
                                                        const std::vector<at::Tensor>& weights,
                                                        const BatchLoss& loss, const Batch& train,
                                                        const Batch& valid, const VirtualStep& step,
                                                        Distributed* distributed) {
  const std::vector<at::Tensor> alphas = mutator.parameters();
  const double xi = step.lr;
  std::vector<at::Tensor> original;
  original.reserve(weights.size());
  for (const at::Tensor& w : weights) original.push_back(w.detach().clone());

  // 1. The virtual step w' = w - xi (momentum buf + grad_w L_train + wd w).
  mutator.reset();
  std::vector<at::Tensor> grad_w = Grad(loss(train), weights);
  AverageOverRanks(distributed, grad_w);
  std::vector<at::Tensor> update(weights.size());
  for (size_t i = 0; i < weights.size(); ++i) {
    update[i] = grad_w[i] + step.weight_decay * original[i];
    if (step.momentum != 0 && i < step.momentum_buffers.size() &&
        step.momentum_buffers[i].defined()) {
      update[i] = update[i] + step.momentum * step.momentum_buffers[i];
    }
  }
  SetWeights(weights, original, update, -xi);

  // 2. g_alpha and v at (w', alpha).
  mutator.reset();
  std::vector<at::Tensor> inputs = alphas;
  inputs.insert(inputs.end(), weights.begin(), weights.end());
  std::vector<at::Tensor> grads = Grad(loss(valid), inputs);
  std::vector<at::Tensor> g_alpha(grads.begin(), grads.begin() + alphas.size());
  std::vector<at::Tensor> v(grads.begin() + alphas.size(), grads.end());
  AverageOverRanks(distributed, v);

  // 3. H v by central differences around w, eps = hessian_eps / ||v||.
  double norm_sq = 0;
  for (const at::Tensor& t : v) norm_sq += t.pow(2).sum().item<double>();
  const double norm = std::sqrt(norm_sq);
  if (norm == 0 || xi == 0) {
    RestoreWeights(weights, original);
    return g_alpha;
  }
  const double eps = step.hessian_eps / norm;
  SetWeights(weights, original, v, eps);
  mutator.reset();
  std::vector<at::Tensor> g_plus = Grad(loss(train), alphas);
  SetWeights(weights, original, v, -eps);
  mutator.reset();
  std::vector<at::Tensor> g_minus = Grad(loss(train), alphas);
  RestoreWeights(weights, original);

  for (size_t i = 0; i < alphas.size(); ++i) {
    g_alpha[i] = g_alpha[i] - xi * (g_plus[i] - g_minus[i]) / (2 * eps);
  }
  return g_alpha;
}

}  // namespace nas::darts
