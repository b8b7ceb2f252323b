// MyAlgoTrainer: trains the supernet on one sampled architecture per step.
#ifndef ALGORITHMS_MY_ALGO_MY_ALGO_TRAINER_H_
#define ALGORITHMS_MY_ALGO_MY_ALGO_TRAINER_H_

#include <memory>

#include <torch/optim/sgd.h>

#include "algorithms/my_algo/my_algo_mutator.h"
#include "nas/model_registry.h"
#include "nas/trainer.h"

namespace nas::my_algo {

class MyAlgoTrainer : public Trainer {
 public:
  MyAlgoTrainer(TrainerOptions options, BuiltModel model, BatchSource* train, BatchSource* valid,
                double lr = 0.05);

  MyAlgoMutator& mutator() { return *mutator_; }

 protected:
  Metrics train_step(const Batch& batch) override;
  Metrics validate(int64_t epoch) override;

 private:
  BuiltModel model_;
  BatchSource* valid_;
  std::unique_ptr<MyAlgoMutator> mutator_;
  std::unique_ptr<torch::optim::SGD> sgd_;
};

}  // namespace nas::my_algo

#endif  // ALGORITHMS_MY_ALGO_MY_ALGO_TRAINER_H_
