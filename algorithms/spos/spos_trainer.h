// SposTrainer: supernet training of Single Path One-Shot (the authors'
// recipe), on the trainer base:
//
//   * every step one single path (SposMutator: uniform or FLOPs-bin
//     sampling), the same on every rank; with "strict_fair" sampling
//     (FairNAS) a step runs a whole group of m paths on the same batch, their
//     gradients summed into one update (m times the forward/backward work
//     of a single-path step; the loss and accuracy logged are the paths'
//     means);
//   * SGD with momentum, the learning rate decayed linearly to 0 per step;
//   * weight decay on conv and FC weights only (not BN, not biases);
//   * cross-entropy with label smoothing;
//   * candidates off the path get no update at all: their gradients are
//     undefined (the trainer base clears gradients after every step), so
//     neither momentum nor weight decay moves them. NNI's port updated
//     them through momentum and weight decay.
//
// Validation scores one uniformly random path per validation batch (its own
// generator: the training sequence of paths is untouched); what ranks
// candidates is the evolution's per-candidate evaluation with BN
// recalibration (candidate_evaluator.h), not this number.
//
// | option          | default | meaning                                     |
// |-----------------|---------|---------------------------------------------|
// | lr              | 0.5     | initial learning rate (authors: batch 1024) |
// | momentum        | 0.9     |                                             |
// | weight_decay    | 4e-5    | conv / FC weights only                      |
// | label_smoothing | 0.1     |                                             |
// | clip_norm       | 0       | gradient-norm clip (0 = off, as the authors)|
// | sampling        | uniform | SposSamplingOptions (spos_mutator.h)        |
// | seed            | 0       | the path sequence                           |
#ifndef ALGORITHMS_SPOS_SPOS_TRAINER_H_
#define ALGORITHMS_SPOS_SPOS_TRAINER_H_

#include <memory>

#include <torch/optim/sgd.h>

#include "algorithms/spos/spos_mutator.h"
#include "nas/core/space_registry.h"
#include "nas/train/trainer.h"

namespace nas::spos {

struct SposTrainerOptions {
  double lr = 0.5;
  double momentum = 0.9;
  double weight_decay = 4e-5;
  double label_smoothing = 0.1;
  double clip_norm = 0;
  SposSamplingOptions sampling;
  uint64_t seed = 0;
};

absl::Status SposTrainerOptionsFromJson(const Json& j, const std::string& path,
                                        SposTrainerOptions* out);
Json SposTrainerOptionsToJson(const SposTrainerOptions& options);

class SposTrainer : public Trainer {
 public:
  // Trains `space` (any registered space: the ShuffleNet supernet here, the
  // benchmark's cell space in //tools/benchmark). `cost` (FLOPs of a path)
  // is needed for FLOPs-bin sampling. The learning rate reaches 0 at the end
  // of trainer_options.epochs (or max_steps).
  SposTrainer(TrainerOptions trainer_options, SposTrainerOptions options, BuiltSpace space,
              BatchSource* train, BatchSource* valid, Distributed* distributed = nullptr,
              PathCost cost = nullptr);

  SposMutator& mutator() { return *mutator_; }

 protected:
  Metrics train_step(const Batch& batch) override;
  Metrics validate(int64_t epoch) override;

 private:
  SposTrainerOptions options_;
  BuiltSpace space_;
  BatchSource* valid_;
  std::unique_ptr<SposMutator> mutator_;
  std::unique_ptr<torch::optim::SGD> sgd_;
};

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_SPOS_TRAINER_H_
