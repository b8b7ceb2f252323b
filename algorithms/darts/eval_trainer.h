// EvalTrainer: trains a DARTS network fixed to one architecture from
// scratch, the authors' way (train.py), as a nas::ClassifierTrainer (SGD
// with momentum, a cosine learning rate to 0 per epoch, gradient-norm
// clipping; validate() reports top-1 accuracy and loss on `valid`, the test
// set when retraining) with DARTS's two additions in loss():
//
//   * the auxiliary head's cross-entropy, weighted by auxiliary_weight, added
//     to the loss (logged as "aux_loss"; "loss" is the sum);
//   * drop-path on the kept edges, its probability ramped linearly from 0 at
//     the first epoch to drop_path_prob * (epochs - 1) / epochs at the last.
//
// Used by :retrain (the evaluation network) and by :trial (a small network
// trained briefly for the evolution baseline, auxiliary_weight and
// drop_path_prob 0).
#ifndef ALGORITHMS_DARTS_EVAL_TRAINER_H_
#define ALGORITHMS_DARTS_EVAL_TRAINER_H_

#include "algorithms/darts/darts_space.h"
#include "nas/train/classifier_trainer.h"
#include "nas/train/trainer.h"

namespace nas::darts {

struct EvalTrainerOptions {
  double lr = 0.025;
  double momentum = 0.9;
  double weight_decay = 3e-4;
  double grad_clip = 5;
  double auxiliary_weight = 0.4;
  double drop_path_prob = 0.2;

  // The ClassifierTrainer part: lr cosine to 0, momentum, weight decay on
  // every parameter, the clip.
  ClassifierTrainerOptions classifier() const;
};

class EvalTrainer : public ClassifierTrainer {
 public:
  // `network` must be fixed to an architecture (ApplyFixedArchitecture);
  // the options must be valid (>= 0, lr > 0, drop_path_prob < 1).
  EvalTrainer(TrainerOptions trainer_options, EvalTrainerOptions options, DartsNetwork network,
              BatchSource* train, BatchSource* valid, Distributed* distributed = nullptr);

 protected:
  Metrics train_step(const Batch& batch) override;
  at::Tensor loss(const Batch& batch, at::Tensor* logits) override;

 private:
  EvalTrainerOptions options_;
  DartsNetwork network_;
  double aux_loss_ = -1;  // of the last loss(); < 0: none
};

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_EVAL_TRAINER_H_
