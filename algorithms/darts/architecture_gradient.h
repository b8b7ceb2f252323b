// The architecture gradient of DARTS, first and second order.
//
// DARTS solves  min_alpha L_val(w*(alpha), alpha)  s.t.
// w*(alpha) = argmin_w L_train(w, alpha), approximating w* by one step of
// the weight optimizer:
//
//   w' = w - xi * (momentum * buf + grad_w L_train(w, alpha) + wd * w)
//
// (the step the SGD optimizer would take now: xi = its current learning
// rate, buf its momentum buffer, wd its weight decay). Then, with
// v = grad_w' L_val(w', alpha):
//
//   second order:  g = grad_alpha L_val(w', alpha) - xi * H v,
//                  H v = grad_alpha grad_w L_train(w, alpha) . v
//                      ~ (grad_alpha L_train(w + eps v) - grad_alpha L_train(w - eps v)) / (2 eps),
//                  eps = hessian_eps / ||v||  (0.01 in the paper)
//   first order:   g = grad_alpha L_val(w, alpha)   (xi = 0)
//
// NNI's "unrolled" DARTS never changed the weights in its virtual step and
// scaled the Hessian term wrongly, so it computed a first-order gradient;
// darts_trainer_test checks this one against finite differences of
// L_val(w'(alpha), alpha).
//
// The weights are restored bit for bit; batch-norm running statistics see
// the extra forward passes (as in the authors' code). With `distributed`,
// grad_w L_train and v are averaged over ranks, so every rank takes the same
// virtual step and perturbation: the result is the gradient of the global
// batch (batch-norm statistics aside).
#ifndef ALGORITHMS_DARTS_ARCHITECTURE_GRADIENT_H_
#define ALGORITHMS_DARTS_ARCHITECTURE_GRADIENT_H_

#include <functional>
#include <vector>

#include <ATen/core/Tensor.h>

#include "algorithms/darts/darts_mutator.h"
#include "nas/train/batch_source.h"
#include "nas/train/distributed.h"

namespace nas::darts {

// The loss of the network on a batch under the mutator's current decisions.
using BatchLoss = std::function<at::Tensor(const Batch& batch)>;

// The weight optimizer's next step, replayed without stepping.
struct VirtualStep {
  double lr = 0;  // xi
  double momentum = 0;
  double weight_decay = 0;
  // Aligned with the weights; undefined = no buffer yet (first step).
  std::vector<at::Tensor> momentum_buffers;
  // The finite-difference step is hessian_eps / ||v|| (the paper: 0.01).
  double hessian_eps = 0.01;
};

// grad_alpha L_val(w, alpha), aligned with mutator.parameters().
std::vector<at::Tensor> FirstOrderArchitectureGradient(DartsMutator& mutator, const BatchLoss& loss,
                                                       const Batch& valid);

// The second-order gradient above, aligned with mutator.parameters().
// `weights` are the network's trainable weights (the optimizer's).
std::vector<at::Tensor> SecondOrderArchitectureGradient(DartsMutator& mutator,
                                                        const std::vector<at::Tensor>& weights,
                                                        const BatchLoss& loss, const Batch& train,
                                                        const Batch& valid, const VirtualStep& step,
                                                        Distributed* distributed = nullptr);

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_ARCHITECTURE_GRADIENT_H_
