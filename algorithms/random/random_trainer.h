// RandomTrainer: one-shot supernet training with uniformly random paths
// (random search with weight sharing, Li & Talwalkar 2019). Each step
// samples a new architecture with RandomMutator (the same on every rank),
// trains the weights on it with SGD (cosine learning rate), and validation
// scores one random path per validation batch.
//
// | option       | default | meaning                                   |
// |--------------|---------|-------------------------------------------|
// | lr           | 0.05    | initial SGD learning rate                 |
// | min_lr       | 0.001   | final learning rate of the cosine decay   |
// | momentum     | 0.9     |                                           |
// | weight_decay | 3e-4    |                                           |
// | clip_norm    | 5       | gradient-norm clip (0 = off)              |
#ifndef ALGORITHMS_RANDOM_RANDOM_TRAINER_H_
#define ALGORITHMS_RANDOM_RANDOM_TRAINER_H_

#include <memory>

#include <torch/optim/sgd.h>

#include "algorithms/random/random_mutator.h"
#include "nas/core/space_registry.h"
#include "nas/train/trainer.h"

namespace nas::random {

struct RandomTrainerOptions {
  double lr = 0.05;
  double min_lr = 0.001;
  double momentum = 0.9;
  double weight_decay = 3e-4;
  double clip_norm = 5;
  uint64_t seed = 0;
};

absl::Status RandomTrainerOptionsFromJson(const Json& j, const std::string& path,
                                          RandomTrainerOptions* out);
Json RandomTrainerOptionsToJson(const RandomTrainerOptions& options);

class RandomTrainer : public Trainer {
 public:
  RandomTrainer(TrainerOptions trainer_options, RandomTrainerOptions options, BuiltSpace model,
                BatchSource* train, BatchSource* valid, Distributed* distributed = nullptr);

  RandomMutator& mutator() { return *mutator_; }

 protected:
  Metrics train_step(const Batch& batch) override;
  Metrics validate(int64_t epoch) override;

 private:
  RandomTrainerOptions options_;
  BuiltSpace model_;
  BatchSource* valid_;
  std::unique_ptr<RandomMutator> mutator_;
  std::unique_ptr<torch::optim::SGD> sgd_;
};

}  // namespace nas::random

#endif  // ALGORITHMS_RANDOM_RANDOM_TRAINER_H_
