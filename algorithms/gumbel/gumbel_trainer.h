// GumbelTrainer: one-shot search with Gumbel-softmax sampling (SNAS/GDAS
// style) on the trainer base. Each step samples an architecture with
// GumbelMutator (the same on every rank), runs it, and updates the weights
// (SGD, cosine learning rate) and the architecture logits (Adam) *jointly*
// from the same training loss; the temperature anneals exponentially from
// tau_start to tau_end over the epochs. Validation scores the current argmax
// architecture (the one export would write).
//
// | option            | default | meaning                                      |
// |-------------------|---------|----------------------------------------------|
// | lr                | 0.05    | weights: initial SGD learning rate           |
// | min_lr            | 0.001   | weights: final learning rate (cosine)        |
// | momentum          | 0.9     |                                              |
// | weight_decay      | 3e-4    |                                              |
// | clip_norm         | 5       | weights: gradient-norm clip (0 = off)        |
// | arch_lr           | 3e-3    | logits: Adam learning rate                   |
// | arch_weight_decay | 1e-3    | logits: Adam weight decay                    |
// | tau_start         | 5       | temperature at step 0                        |
// | tau_end           | 0.5     | temperature at the last step                 |
// | mode              | "hard"  | hard (straight-through) or soft relaxation   |
// | tau_schedule      | "exponential" | or "linear" (GDAS)                     |
// | bilevel           | false   | logits on `valid`, weights on `train` (GDAS) |
// | seed              | 0       | the mutator's noise                          |
// | latency_budget_ms | 0       | search under a latency budget (0 = none)     |
// | latency_weight    | 1       | the penalty's weight                         |
// | latency_batch     | 1       | batch of the latency table's measurements    |
// | latency_table     | ""      | its file ("" = the search's output folder)   |
//
// Under a latency budget (nas/analysis/latency_budget.h), the training loss
// gets LatencyPenalty(E[latency]): E under softmax(logits), on the logits
// only (ProxylessNAS-style). The job measures the table on the searched
// space (set_latency_table()); validation reports the exported
// architecture's predicted "latency_ms" and "expected_latency_ms".
//
// Checkpoints (trainer base) hold the weights, the logits with the noise
// generator, and both optimizers, so --resume continues exactly.
#ifndef ALGORITHMS_GUMBEL_GUMBEL_TRAINER_H_
#define ALGORITHMS_GUMBEL_GUMBEL_TRAINER_H_

#include <memory>
#include <string>

#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>

#include "algorithms/gumbel/gumbel_mutator.h"
#include "nas/analysis/latency_budget.h"
#include "nas/analysis/latency_table.h"
#include "nas/core/space_registry.h"
#include "nas/train/paired_batches.h"
#include "nas/train/trainer.h"

namespace nas::gumbel {

struct GumbelTrainerOptions {
  double lr = 0.05;
  double min_lr = 0.001;
  double momentum = 0.9;
  double weight_decay = 3e-4;
  double clip_norm = 5;
  double arch_lr = 3e-3;
  double arch_weight_decay = 1e-3;
  double tau_start = 5;
  double tau_end = 0.5;
  std::string mode = "hard";
  std::string tau_schedule = "exponential";
  bool bilevel = false;
  uint64_t seed = 0;
  LatencyBudget latency;  // latency_budget_ms, latency_weight, latency_batch, latency_table
};

absl::Status GumbelTrainerOptionsFromJson(const Json& j, const std::string& path,
                                          GumbelTrainerOptions* out);
Json GumbelTrainerOptionsToJson(const GumbelTrainerOptions& options);

// The temperature after `step` of `total_steps`: tau_start * (tau_end /
// tau_start)^p (exponential) or tau_start + (tau_end - tau_start) p
// (linear), p = step / (total_steps - 1); tau_end from then on.
double AnnealedTemperature(const GumbelTrainerOptions& options, int64_t step, int64_t total_steps);

class GumbelTrainer : public Trainer {
 public:
  // `options` must be valid (GumbelTrainerOptionsFromJson checks them);
  // bilevel needs `valid` with batches (throws c10::Error otherwise).
  GumbelTrainer(TrainerOptions trainer_options, GumbelTrainerOptions options, BuiltSpace model,
                BatchSource* train, BatchSource* valid, Distributed* distributed = nullptr);

  GumbelMutator& mutator() { return *mutator_; }

  // The table the latency budget is measured against (needed when
  // latency_budget_ms > 0).
  void set_latency_table(std::shared_ptr<const LatencyTable> table);
  // E[latency] under softmax(logits) (a tensor on their graph).
  at::Tensor expected_latency();

 protected:
  Metrics train_step(const Batch& batch) override;
  Metrics validate(int64_t epoch) override;

 private:
  int64_t total_steps() const;
  // The loss of a fresh sample on `batch` (its logits in *logits).
  at::Tensor sampled_loss(const Batch& batch, at::Tensor* logits);

  GumbelTrainerOptions options_;
  BuiltSpace model_;
  BatchSource* valid_;
  std::unique_ptr<GumbelMutator> mutator_;
  bool on_device_ = false;
  std::unique_ptr<torch::optim::SGD> sgd_;
  std::unique_ptr<torch::optim::Adam> adam_;
  std::shared_ptr<const LatencyTable> latency_;
  std::unique_ptr<PairedBatches> arch_;  // bilevel: validation batch t for train batch t
};

}  // namespace nas::gumbel

#endif  // ALGORITHMS_GUMBEL_GUMBEL_TRAINER_H_
