// MyAlgoTrainer: trains the supernet on one sampled architecture per step.
#ifndef ALGORITHMS_MY_ALGO_MY_ALGO_TRAINER_H_
#define ALGORITHMS_MY_ALGO_MY_ALGO_TRAINER_H_

#include <memory>

#include <torch/optim/sgd.h>

#include "algorithms/my_algo/my_algo_mutator.h"
#include "nas/core/space_registry.h"
#include "nas/train/trainer.h"

namespace nas::my_algo {

class MyAlgoTrainer : public Trainer {
 public:
  MyAlgoTrainer(TrainerOptions options, BuiltSpace model, BatchSource* train, BatchSource* valid,
                double lr = 0.05);

  MyAlgoMutator& mutator() { return *mutator_; }

 protected:
  Metrics train_step(const Batch& batch) override;
  Metrics validate(int64_t epoch) override;

 private:
  BuiltSpace model_;
  BatchSource* valid_;
  std::unique_ptr<MyAlgoMutator> mutator_;
  std::unique_ptr<torch::optim::SGD> sgd_;
};

}  // namespace nas::my_algo

#endif  // ALGORITHMS_MY_ALGO_MY_ALGO_TRAINER_H_
