// What the tests of the shared job library (nas/jobs) and of the training
// layer need from an algorithm, without depending on one:
//
//   * "testing_cnn", a registered space for 1x28x28 inputs with 10 classes
//     (the synthetic dataset's shape): a stem, two layer choices
//     {conv3x3, maxpool3x3, identity} (keys "op0", "op1"), an input choice
//     "skip1" (n_chosen unset) and a linear head; options {"channels": 4};
//   * UniformTestMutator: one uniformly random candidate per layer choice,
//     a random subset of each input choice; exports argmax-free: its current
//     sample (seeded, resumable);
//   * UniformPathTrainer: a supernet trainer on ClassifierTrainer that
//     samples a new path before every step and validates on a fixed path.
#ifndef NAS_TESTING_JOB_FIXTURES_H_
#define NAS_TESTING_JOB_FIXTURES_H_

#include <cstdint>
#include <memory>
#include <random>

#include "nas/core/mutator.h"
#include "nas/core/space_registry.h"
#include "nas/train/classifier_trainer.h"

namespace nas::testing {

inline constexpr char kTestingSpace[] = "testing_cnn";

class UniformTestMutator : public Mutator {
 public:
  UniformTestMutator(std::shared_ptr<torch::nn::Module> model, uint64_t seed);
  Decisions sample_search() override;
  Decisions sample_final() override;
  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

 private:
  std::mt19937_64 rng_;
};

class UniformPathTrainer : public ClassifierTrainer {
 public:
  UniformPathTrainer(TrainerOptions trainer_options, ClassifierTrainerOptions options,
                     BuiltSpace model, BatchSource* train, BatchSource* valid, uint64_t seed = 0,
                     Distributed* distributed = nullptr);

  UniformTestMutator& mutator() { return *mutator_; }

 protected:
  Metrics train_step(const Batch& batch) override;
  Metrics validate(int64_t epoch) override;

 private:
  std::unique_ptr<UniformTestMutator> mutator_;
};

}  // namespace nas::testing

#endif  // NAS_TESTING_JOB_FIXTURES_H_
