// ScaffoldExampleTrainer: the scaffold_example package's training loop, on the trainer base
// (nas/train/trainer.h: epochs, callbacks, metrics, TensorBoard, exact resume,
// bf16/fp16, data parallelism). Each step samples an architecture with
// ScaffoldExampleMutator (the same on every rank), trains the weights on it with
// SGD (cosine learning rate); validation scores one sampled architecture
// per validation batch. Put your algorithm's step in train_step().
//
// | option       | default | meaning                                   |
// |--------------|---------|-------------------------------------------|
// | lr           | 0.05    | initial SGD learning rate                 |
// | min_lr       | 0.001   | final learning rate of the cosine decay   |
// | momentum     | 0.9     |                                           |
// | weight_decay | 3e-4    |                                           |
// | clip_norm    | 5       | gradient-norm clip (0 = off)              |
// | seed         | 0       | the mutator's seed                        |
#ifndef TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SCAFFOLD_EXAMPLE_TRAINER_H_
#define TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SCAFFOLD_EXAMPLE_TRAINER_H_

#include <memory>
#include <string>

#include <torch/optim/sgd.h>

#include "nas/core/space_registry.h"
#include "nas/train/trainer.h"
#include "tests/extension/scaffold_example/scaffold_example_mutator.h"

namespace nas::scaffold_example {

struct ScaffoldExampleTrainerOptions {
  double lr = 0.05;
  double min_lr = 0.001;
  double momentum = 0.9;
  double weight_decay = 3e-4;
  double clip_norm = 5;
  uint64_t seed = 0;
};

// Strict: unknown members and out-of-range values are errors naming `path`.
absl::Status ScaffoldExampleTrainerOptionsFromJson(const Json& j, const std::string& path,
                                                   ScaffoldExampleTrainerOptions* out);
Json ScaffoldExampleTrainerOptionsToJson(const ScaffoldExampleTrainerOptions& options);

class ScaffoldExampleTrainer : public Trainer {
 public:
  ScaffoldExampleTrainer(TrainerOptions trainer_options, ScaffoldExampleTrainerOptions options,
                         BuiltSpace model, BatchSource* train, BatchSource* valid,
                         Distributed* distributed = nullptr);

  ScaffoldExampleMutator& mutator() { return *mutator_; }

 protected:
  Metrics train_step(const Batch& batch) override;
  Metrics validate(int64_t epoch) override;

 private:
  ScaffoldExampleTrainerOptions options_;
  BuiltSpace model_;
  BatchSource* valid_;
  std::unique_ptr<ScaffoldExampleMutator> mutator_;
  std::unique_ptr<torch::optim::SGD> sgd_;
};

}  // namespace nas::scaffold_example

#endif  // TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SCAFFOLD_EXAMPLE_TRAINER_H_
