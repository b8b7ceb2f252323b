#include "nas/train/classifier_evaluation.h"

#include <torch/nn/functional/loss.h>
#include <torch/utils.h>

namespace nas {

ClassifierScore EvaluateClassifier(const std::function<at::Tensor(const at::Tensor&)>& forward,
                                   BatchSource& source, int64_t max_batches,
                                   const std::function<void()>& before_batch) {
  torch::NoGradGuard no_grad;
  ClassifierScore score;
  double loss = 0, correct = 0;
  source.start_epoch(0);
  for (int64_t i = 0; max_batches == 0 || i < max_batches; ++i) {
    std::optional<Batch> batch = source.next();
    if (!batch) break;
    if (before_batch) before_batch();
    at::Tensor logits = forward(batch->data).to(at::kFloat);
    const at::Tensor target = batch->target.to(logits.device());
    loss += torch::nn::functional::cross_entropy(
                logits, target,
                torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                .item<double>();
    correct += (logits.argmax(1) == target).sum().item<double>();
    score.examples += batch->target.size(0);
  }
  if (score.examples > 0) {
    score.loss = loss / score.examples;
    score.accuracy = correct / score.examples;
  }
  return score;
}

}  // namespace nas
