// EnasTrainer: the ENAS search loop (Pham et al., ICML 2018) on the trainer
// base. Every epoch alternates two phases:
//
//   1. shared weights (the base's steps, one per training batch):
//        a fresh architecture from the controller per minibatch (the same
//        on every rank: sync_decisions), cross-entropy, SGD with momentum,
//        cosine learning rate, gradient-norm clip;
//   2. controller (validate(), after the epoch's batches):
//        controller_steps Adam steps, each aggregating the gradients of
//        `aggregate` samples:
//          reward   = accuracy of the sampled child on a fresh validation
//                     batch (+ entropy_weight * entropy of the sample)
//          baseline = decay * baseline + (1 - decay) * reward
//          loss     = -log pi(sample) * (reward - baseline)
//                     + skip_weight * skip_penalty
//        Validation batches cycle through the loader, epoch after epoch
//        (never a replay of cached batches, unlike NNI's port); children
//        are scored with batch statistics in BatchNorm, as the authors'
//        code does. Logged as valid/reward (the mean reward of the epoch),
//        valid/accuracy, valid/entropy, valid/baseline.
//
// Checkpoints (the base's) hold the model, the controller, both
// optimizers, the baseline and the validation position, so a resumed
// search continues exactly. With several ranks, each rank's rewards are
// averaged before they enter the loss, so the controllers stay identical.
//
// export_architectures() is the final derivation: `samples` architectures
// from the controller, each scored on the same validation batches; the best
// is the export. It also scores the controller's most likely architecture
// and as many uniformly random ones (the baseline the search must beat).
//
// | option               | default | meaning                                |
// |----------------------|---------|----------------------------------------|
// | lr / min_lr          | 0.05 / 0.001 | shared weights, cosine per epoch  |
// | momentum             | 0.9     |                                        |
// | weight_decay         | 1e-4    |                                        |
// | clip_norm            | 5       | shared-weight gradient norm clip       |
// | controller_lr        | 3.5e-4  | Adam                                   |
// | controller_steps     | 50      | per epoch                              |
// | aggregate            | 20      | samples per controller step            |
// | entropy_weight       | 1e-4    | reward bonus per nat                   |
// | skip_weight          | 0.8     | weight of the skip KL penalty          |
// | baseline_decay       | 0.999   | moving average; the baseline starts at |
// |                      |         | the first reward                       |
// | controller_clip_norm | 0       | 0 = off                                |
// | mutator              |         | EnasMutatorOptions (enas_mutator.h)    |
#ifndef ALGORITHMS_ENAS_ENAS_TRAIN_TRAINER_H_
#define ALGORITHMS_ENAS_ENAS_TRAIN_TRAINER_H_

#include <memory>
#include <optional>
#include <vector>

#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>

#include "algorithms/enas/enas_mutator.h"
#include "nas/analysis/latency_budget.h"
#include "nas/analysis/latency_table.h"
#include "nas/core/architecture.h"
#include "nas/core/space_registry.h"
#include "nas/train/trainer.h"

namespace nas::enas {

struct EnasTrainerOptions {
  double lr = 0.05;
  double min_lr = 0.001;
  double momentum = 0.9;
  double weight_decay = 1e-4;
  double clip_norm = 5;
  double controller_lr = 3.5e-4;
  int64_t controller_steps = 50;
  int64_t aggregate = 20;
  double entropy_weight = 1e-4;
  double skip_weight = 0.8;
  double baseline_decay = 0.999;
  double controller_clip_norm = 0;
  EnasMutatorOptions mutator;
  // Under a latency budget (latency_budget_ms, latency_weight,
  // latency_batch, latency_table; nas/analysis/latency_budget.h) the
  // controller's reward loses latency_weight * max(0, L - B) / B, L the
  // sampled architecture's predicted latency, and the export prefers the
  // best sample within the budget.
  LatencyBudget latency;
};

absl::Status EnasTrainerOptionsFromJson(const Json& j, const std::string& path,
                                        EnasTrainerOptions* out);
Json EnasTrainerOptionsToJson(const EnasTrainerOptions& options);

// The moving-average baseline after `reward`: the reward itself when there
// is no baseline yet, else decay * baseline + (1 - decay) * reward.
double UpdateBaseline(std::optional<double> baseline, double reward, double decay);

struct ScoredArchitecture {
  Architecture architecture;
  double accuracy = 0;
  double latency_ms = 0;  // predicted; 0 without a latency table
};

struct EnasExport {
  ScoredArchitecture best;                // the best of the controller's samples (under a
                                          // budget: the best within it, else the fastest)
  ScoredArchitecture greedy;              // the controller's most likely architecture
  std::vector<double> sample_accuracies;  // every controller sample
  std::vector<double> sample_latencies;   // their predicted latencies (with a table)
  std::vector<double> random_accuracies;  // uniformly random architectures
};

class EnasTrainer : public Trainer {
 public:
  // `valid` feeds the controller phase (cycled); it must outlive the trainer.
  EnasTrainer(TrainerOptions trainer_options, EnasTrainerOptions options, BuiltSpace model,
              BatchSource* train, BatchSource* valid, Distributed* distributed = nullptr);

  EnasMutator& mutator() { return *mutator_; }

  // The table the latency budget is measured against (needed when
  // latency_budget_ms > 0).
  void set_latency_table(std::shared_ptr<const LatencyTable> table);
  std::optional<double> baseline() const { return baseline_; }

  // Scores `samples` controller samples, the greedy architecture and
  // `random_samples` uniform ones (seeded by `seed`) on the first `batches`
  // batches of `source` (0 = all), with the shared weights as trained.
  EnasExport export_architectures(BatchSource& source, int64_t samples, int64_t random_samples,
                                  int64_t batches, uint64_t seed);

 protected:
  Metrics train_step(const Batch& batch) override;
  Metrics validate(int64_t epoch) override;
  void save_extra(torch::serialize::OutputArchive& archive) const override;
  void load_extra(torch::serialize::InputArchive& archive) override;

 private:
  Batch next_valid();
  double child_accuracy(const Batch& batch);
  double score(BatchSource& source, int64_t batches);

  EnasTrainerOptions options_;
  BuiltSpace model_;
  BatchSource* valid_;
  std::unique_ptr<EnasMutator> mutator_;
  std::unique_ptr<torch::optim::SGD> sgd_;
  std::unique_ptr<torch::optim::Adam> adam_;
  std::optional<double> baseline_;
  int64_t valid_epoch_ = 0;
  int64_t valid_batch_ = 0;  // batches of valid_epoch_ already used
  bool valid_started_ = false;
  std::shared_ptr<const LatencyTable> latency_;
};

}  // namespace nas::enas

#endif  // ALGORITHMS_ENAS_ENAS_TRAIN_TRAINER_H_
