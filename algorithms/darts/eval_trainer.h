// EvalTrainer: trains a DARTS network fixed to one architecture from
// scratch, the authors' way (train.py): SGD with momentum and a cosine
// learning rate to 0, gradient-norm clipping, the auxiliary head's loss
// weighted by auxiliary_weight, and drop-path whose probability ramps
// linearly from 0 to drop_path_prob over the epochs. validate() reports
// top-1 accuracy and loss on `valid` (the test set when retraining).
//
// Used by :retrain (the evaluation network) and by :trial (a small network
// trained briefly for the evolution baseline).
#ifndef ALGORITHMS_DARTS_EVAL_TRAINER_H_
#define ALGORITHMS_DARTS_EVAL_TRAINER_H_

#include <memory>

#include <torch/optim/sgd.h>

#include "algorithms/darts/darts_space.h"
#include "nas/train/trainer.h"

namespace nas::darts {

struct EvalTrainerOptions {
  double lr = 0.025;
  double momentum = 0.9;
  double weight_decay = 3e-4;
  double grad_clip = 5;
  double auxiliary_weight = 0.4;
  double drop_path_prob = 0.2;
};

class EvalTrainer : public Trainer {
 public:
  // `network` must be fixed to an architecture (apply_fixed_architecture).
  EvalTrainer(TrainerOptions trainer_options, EvalTrainerOptions options, DartsNetwork network, BatchSource* train,
              BatchSource* valid, Distributed* distributed = nullptr);

 protected:
  Metrics train_step(const Batch& batch) override;
  Metrics validate(int64_t epoch) override;

 private:
  EvalTrainerOptions options_;
  DartsNetwork network_;
  BatchSource* valid_;
  std::unique_ptr<torch::optim::SGD> sgd_;
};

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_EVAL_TRAINER_H_
