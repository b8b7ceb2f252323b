// DartsTrainer: the bilevel search of DARTS (Liu et al., ICLR 2019) on the
// trainer base (resume, data parallelism, bf16, TensorBoard, metrics).
//
// The training set is split 50/50 beforehand: `train` batches update the
// weights, `arch` batches (the other half) the architecture. Step t:
//
//   1. architecture step on arch batch t (first or second order,
//      architecture_gradient.h), Adam on the alphas;
//   2. weight step on train batch t with the updated alphas (detached),
//      SGD with momentum, cosine learning rate, gradient-norm clipping.
//
// Arch batch t is batch t of the same epoch of `arch`, so a resumed run
// sees the same pairs. Under data parallelism every gradient (weights and
// alphas) is averaged over ranks, so the alphas stay identical everywhere.
//
// validate() reports both the softmax-weighted supernet ("supernet_*", what
// NNI reports) and the exported discrete architecture on the supernet's
// weights ("discrete_*", batch-norm statistics re-estimated on
// `discrete_bn_batches` arch batches first, then restored), the genotype and
// its share of parameter-free operations ("param_free_share",
// "param_free_share_normal"). A normal cell whose share reaches
// `collapse_threshold` is the known DARTS collapse and gets a warning. With
// an output_dir, every epoch's genotype is appended to genotypes.jsonl.
//
// | option             | default | meaning (the paper's values)                |
// |--------------------|---------|---------------------------------------------|
// | w_lr, w_lr_min     | 0.025, 0.001 | SGD, cosine over the epochs            |
// | w_momentum         | 0.9     |                                             |
// | w_weight_decay     | 3e-4    |                                             |
// | w_grad_clip        | 5       | global gradient norm                        |
// | alpha_lr           | 3e-4    | Adam                                        |
// | alpha_betas        | [0.5, 0.999] |                                        |
// | alpha_weight_decay | 1e-3    |                                             |
// | alpha_init_scale   | 1e-3    | alphas = scale * randn                      |
// | unrolled           | false   | second order                                |
// | hessian_eps        | 0.01    | finite-difference step: hessian_eps / ||v|| |
// | collapse_threshold | 0.5     | warn at this parameter-free share (normal)  |
// | discrete_bn_batches| 10      | BN re-estimation for the discrete score     |
// | warmup_epochs      | 0       | weights only for the first epochs (fractions |
// |                    |         | allowed), alphas frozen (PC-DARTS: 15 of 50) |
// | early_stop_share   | 0       | stop when the watched parameter-free share  |
// |                    |         | reaches it (DARTS+; 0 = never)              |
// | seed               | 0       | the alphas' initialisation                  |
// | latency_budget_ms  | 0       | search under a latency budget (0 = none)    |
// | latency_weight     | 1       | the penalty's weight                        |
// | latency_batch      | 1       | batch of the latency table's measurements   |
// | latency_table      | ""      | its file ("" = the search's output folder)  |
//
// The two published remedies for collapse, as options:
//   * warm-up (PC-DARTS, Xu et al., ICLR 2020): the first warmup_epochs x
//     batches-per-epoch steps skip the architecture step, so the weights of
//     every operation train before the alphas start to favour the fast
//     learners (parameter-free operations). A warm-up as long as the run,
//     with alpha_init_scale 0, trains the supernet under uniform alphas (the
//     "blank" supernet of DARTS-PT, perturbation.h);
//   * early stop (DARTS+, Liang et al., 2019): after each architecture step
//     past the warm-up, the exported architecture's watched share (the
//     normal cell's on the DARTS network, every layer choice's elsewhere) is
//     compared with early_stop_share; once it reaches it, that step's alpha
//     update is undone, the step's weight update skipped, and training ends
//     (a checkpoint keeps the decision, so --resume does not go on). DARTS+
//     stops at two skip connections in the normal cell (2/8 = 0.25 of its
//     operations, pooling not counted; this share counts pooling too).
//
// Under a latency budget B (ProxylessNAS-style, a deployment latency on this
// machine; nas/analysis/latency_table.h), the architecture loss gets
// latency_weight * max(0, E[latency] - B) / B, where E[latency] is the
// table's expectation under softmax(alpha), an edge of a node that keeps
// n_chosen of its k edges counted n_chosen / k times. Its gradient is added to the architecture
// gradient of either order. The job measures the table on the retraining
// network (set_latency_table()); validate() reports "expected_latency_ms"
// and the exported architecture's predicted "latency_ms".
#ifndef ALGORITHMS_DARTS_DARTS_TRAINER_H_
#define ALGORITHMS_DARTS_DARTS_TRAINER_H_

#include <array>
#include <map>
#include <memory>
#include <string>

#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>

#include "absl/status/status.h"
#include "algorithms/darts/architecture_gradient.h"
#include "algorithms/darts/darts_mutator.h"
#include "algorithms/darts/darts_space.h"
#include "algorithms/darts/genotype.h"
#include "nas/analysis/latency_budget.h"
#include "nas/analysis/latency_table.h"
#include "nas/base/json.h"
#include "nas/core/space_registry.h"
#include "nas/train/paired_batches.h"
#include "nas/train/trainer.h"

namespace nas::darts {

struct DartsTrainerOptions {
  double w_lr = 0.025;
  double w_lr_min = 0.001;
  double w_momentum = 0.9;
  double w_weight_decay = 3e-4;
  double w_grad_clip = 5;
  double alpha_lr = 3e-4;
  std::array<double, 2> alpha_betas = {0.5, 0.999};
  double alpha_weight_decay = 1e-3;
  double alpha_init_scale = 1e-3;
  bool unrolled = false;
  double hessian_eps = 0.01;
  double collapse_threshold = 0.5;
  int64_t discrete_bn_batches = 10;
  double warmup_epochs = 0;
  double early_stop_share = 0;
  uint64_t seed = 0;
  LatencyBudget latency;  // latency_budget_ms, latency_weight, latency_batch, latency_table
};

absl::Status DartsTrainerOptionsFromJson(const Json& j, const std::string& path,
                                         DartsTrainerOptions* out);
Json DartsTrainerOptionsToJson(const DartsTrainerOptions& options);

class DartsTrainer : public Trainer {
 public:
  // Searches `space`: any registered space whose choices are layer choices
  // (and input choices over them), e.g. the benchmark's cell space; the
  // DARTS cell network (darts_space.h) adds its genotype to validate().
  // `valid` (may be null) scores validate(); `arch` must have batches.
  DartsTrainer(TrainerOptions trainer_options, DartsTrainerOptions options, BuiltSpace space,
               BatchSource* train, BatchSource* arch, BatchSource* valid,
               Distributed* distributed = nullptr);
  DartsTrainer(TrainerOptions trainer_options, DartsTrainerOptions options, DartsNetwork network,
               BatchSource* train, BatchSource* arch, BatchSource* valid,
               Distributed* distributed = nullptr);

  DartsMutator& mutator() { return *mutator_; }
  const BuiltSpace& space() const { return space_; }
  // The exported architecture's genotype now (the DARTS cell network only:
  // throws c10::Error for other spaces).
  Genotype genotype();
  // The share of parameter-free operations (skip, pooling) in the exported
  // architecture: the collapse signal, on any space.
  double parameter_free_share();
  // The architecture gradient step 1 would use on these batches (for tests
  // and benchmarks; nothing is updated), the latency penalty's included.
  std::vector<at::Tensor> architecture_gradient(const Batch& train, const Batch& arch);

  // The table the latency budget is measured against (needed when
  // latency_budget_ms > 0; its layer-choice keys are the space's).
  void set_latency_table(std::shared_ptr<const LatencyTable> table);
  // E[latency] under the current alphas (a tensor on their graph).
  at::Tensor expected_latency();
  // The step at which the early-stop rule ended training (0 = it did not).
  int64_t stopped_at_step() const { return stopped_at_step_; }
  // The parameter-free share the collapse rules watch (see above).
  double watched_parameter_free_share();

 protected:
  Metrics train_step(const Batch& batch) override;
  Metrics validate(int64_t epoch) override;
  bool stop_requested() const override { return stopped_at_step_ > 0; }
  void save_extra(torch::serialize::OutputArchive& archive) const override;
  void load_extra(torch::serialize::InputArchive& archive) override;

 private:
  at::Tensor loss(const Batch& batch);
  VirtualStep virtual_step();
  void log_architecture(int64_t epoch, Metrics& metrics);

  DartsTrainerOptions options_;
  BuiltSpace space_;
  bool darts_cells_ = false;  // space_ is the DARTS cell network
  PairedBatches arch_;        // arch batch t for train batch t (throws without batches)
  BatchSource* valid_;
  std::unique_ptr<DartsMutator> mutator_;
  std::unique_ptr<torch::optim::SGD> sgd_;
  std::unique_ptr<torch::optim::Adam> adam_;
  std::vector<at::Tensor> weights_;
  std::shared_ptr<const LatencyTable> latency_;
  std::map<std::string, double> latency_share_;  // per edge: n_chosen / k
  int64_t stopped_at_step_ = 0;
};

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_DARTS_TRAINER_H_
