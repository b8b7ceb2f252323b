// Loss and top-1 accuracy of a classifier over a batch source: the
// validation loop every trainer and scorer needs, written once.
//
//   nas::ClassifierScore s = nas::EvaluateClassifier(
//       [&](const at::Tensor& x) { return model->forward(x); }, valid_loader);
//
// Runs without gradients from batch 0 of epoch 0; the caller chooses the
// model's mode (eval for a fixed model, train for BN recalibration...).
// `before_batch` runs before each batch (e.g. to set a random path).
#ifndef NAS_TRAIN_CLASSIFIER_EVALUATION_H_
#define NAS_TRAIN_CLASSIFIER_EVALUATION_H_

#include <cstdint>
#include <functional>

#include <ATen/core/Tensor.h>

#include "nas/train/batch_source.h"

namespace nas {

struct ClassifierScore {
  double loss = 0;      // mean cross-entropy
  double accuracy = 0;  // top-1
  int64_t examples = 0;
};

// `max_batches` 0 = the whole epoch. An empty source gives examples == 0
// (and zero loss and accuracy).
ClassifierScore EvaluateClassifier(const std::function<at::Tensor(const at::Tensor&)>& forward,
                                   BatchSource& source, int64_t max_batches = 0,
                                   const std::function<void()>& before_batch = nullptr);

}  // namespace nas

#endif  // NAS_TRAIN_CLASSIFIER_EVALUATION_H_
