// Trainer: the training loop every algorithm's trainer extends.
//
// What the base does (a subclass writes train_step() and, if it has one,
// validate()):
//   * epochs of numbered batches from a BatchSource, with callbacks at epoch
//     AND batch boundaries (on_epoch_begin / on_batch_begin / on_batch_end /
//     on_epoch_end, in that order; a callback's exception stops training with
//     its message);
//   * learning rates from stateless schedules (lr_schedule.h), set before
//     every step;
//   * periodic logging: a progress bar with rate and ETA on a terminal,
//     otherwise one line every `log_every` steps; metrics as JSON lines
//     (metrics.jsonl) and TensorBoard scalars (tensorboard/);
//   * checkpoints that resume exactly (checkpoint.h): model, mutator state,
//     optimizers, the global torch generator, epoch / step / batch position,
//     plus whatever a subclass adds (save_extra/load_extra). Written atomically every
//     `checkpoint_every` steps and at each epoch end; the newest
//     `keep_checkpoints` are kept. --resume continues from the newest; a
//     corrupt or mismatched checkpoint is an error naming it;
//   * devices, memory formats and mixed precision: `device` "cpu" (default)
//     or "cuda[:N]"; `memory_format` "contiguous" or "channels_last"; bf16
//     autocast on CPU (`precision = "bf16"`), fp16 autocast with dynamic
//     loss scaling on CUDA (`precision = "fp16"`, loss_scaler.h);
//   * data parallelism over processes (distributed.h): gradients averaged
//     over ranks in step(), the mutator's decisions broadcast from rank 0 in
//     sync_decisions(), metrics averaged, only rank 0 writes files.
//
// A subclass's train_step typically reads:
//
//   Metrics train_step(const Batch& batch) override {
//     mutator_->reset();
//     sync_decisions(*mutator_);           // same path on every rank
//     at::Tensor loss;
//     {
//       auto guard = autocast();
//       loss = cross_entropy(model()->forward(batch.data), batch.target);
//     }
//     optimizer_.zero_grad();
//     backward(loss);                       // scaled in fp16
//     step(optimizer_, /*clip_norm=*/5.0);  // average grads over ranks, clip, step
//     return {{"loss", loss.item<double>()}};
//   }
#ifndef NAS_TRAIN_TRAINER_H_
#define NAS_TRAIN_TRAINER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/MemoryFormat.h>

#include "absl/status/status.h"
#include "nas/base/json.h"
#include "nas/core/torch_fwd.h"
#include "nas/train/batch_source.h"
#include "nas/train/checkpoint.h"
#include "nas/train/distributed.h"
#include "nas/train/lr_schedule.h"

namespace nas {

class LossScaler;
class Mutator;
class TensorBoardWriter;

using Metrics = std::map<std::string, double>;

enum class Precision { kFloat32, kBFloat16, kFloat16 };

struct TrainerOptions {
  int64_t epochs = 1;
  // Stop after this many steps in total (0 = run all epochs).
  int64_t max_steps = 0;
  int64_t log_every = 50;
  // "" = write nothing (no metrics, TensorBoard or checkpoints).
  std::string output_dir;
  // Steps between checkpoints (0 = at epoch ends only).
  int64_t checkpoint_every = 0;
  int keep_checkpoints = 3;
  bool resume = false;
  // "fp32", "bf16" (CPU autocast) or "fp16" (CUDA autocast + loss scaling).
  std::string precision = "fp32";
  // "cpu", "cuda" or "cuda:N"; the model and every batch are moved there.
  std::string device = "cpu";
  // "channels_last" (NHWC in memory) or "contiguous" (NCHW): the format of
  // the model's convolution weights and of every training batch
  // (memory_format.h); values, checkpoints and exports are the same in both.
  // channels_last by measurement (//tools/bench:throughput, this project's
  // CPUs): SPOS, DARTS, ENAS and retraining steps 1.5-2x faster
  // (docs/training.md).
  std::string memory_format = "channels_last";
  // Progress bar on a terminal (otherwise log lines).
  bool progress = true;
};

absl::Status TrainerOptionsFromJson(const Json& j, const std::string& path, TrainerOptions* out);
Json TrainerOptionsToJson(const TrainerOptions& options);

class Trainer;

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_epoch_begin(Trainer& trainer, int64_t epoch) {}
  virtual void on_batch_begin(Trainer& trainer, const Batch& batch) {}
  virtual void on_batch_end(Trainer& trainer, const Batch& batch, const Metrics& metrics) {}
  virtual void on_epoch_end(Trainer& trainer, int64_t epoch, const Metrics& metrics) {}
};

class Trainer {
 public:
  Trainer(TrainerOptions options, std::shared_ptr<torch::nn::Module> model, BatchSource* train,
          Distributed* distributed = nullptr);
  virtual ~Trainer();

  // Trains (resuming when options.resume), then returns the last epoch's
  // validation metrics in metrics() . Bad checkpoints, I/O failures and
  // exceptions from steps or callbacks come back as a Status.
  absl::Status fit();

  void add_callback(std::shared_ptr<Callback> callback);

  int64_t epoch() const { return epoch_; }
  int64_t global_step() const { return global_step_; }
  const TrainerOptions& options() const { return options_; }
  const std::shared_ptr<torch::nn::Module>& model() const { return model_; }
  // The search's mutator, bound to model() (null for a trainer of a fixed
  // model).
  Mutator* mutator() const { return mutator_; }
  // The validation at the last epoch end (or of validate_now()).
  const Metrics& last_validation() const { return last_validation_; }
  // Validates the current weights (eval mode, averaged over ranks), logs
  // them as "valid" and returns them; a no-op returning last_validation()
  // when no step ran since the last validation. fit() validates at epoch
  // ends only, so a budget of `max_steps` that ends mid-epoch (or a run
  // resumed after its end) needs this for its final score.
  absl::StatusOr<Metrics> validate_now();
  bool is_main() const { return distributed_ == nullptr || distributed_->is_main(); }

 protected:
  virtual Metrics train_step(const Batch& batch) = 0;
  // Runs after each epoch; metrics are logged with the "valid/" prefix.
  virtual Metrics validate(int64_t epoch) { return {}; }
  // An early-stop rule of a subclass (DARTS+): true ends training after the
  // current step, with a checkpoint, as max_steps does; also asked after a
  // resume, so the subclass keeps what decided it in save_extra().
  virtual bool stop_requested() const { return false; }
  // Extra state of a subclass (a controller's baseline, ...).
  virtual void save_extra(torch::serialize::OutputArchive& archive) const {}
  virtual void load_extra(torch::serialize::InputArchive& archive) {}

  // Registers an optimizer (saved in checkpoints) and its schedule (applied
  // before every step; may be null).
  void add_optimizer(const std::string& name, torch::optim::Optimizer* optimizer,
                     std::shared_ptr<LrSchedule> schedule);
  // A JSON-lines file in the output folder with one record per epoch
  // ({"epoch": e, ...}, e counted from 0), trimmed on resume to the epochs
  // before the checkpoint like metrics.jsonl, so no epoch appears twice.
  void add_epoch_log(const std::string& file_name) { epoch_logs_.push_back(file_name); }
  // The mutator whose state checkpoints keep (may stay unset).
  void set_mutator(Mutator* mutator) { mutator_ = mutator; }

  // Averages the defined gradients of `optimizer`'s parameters over ranks
  // (parameters off the sampled path have none on any rank), clips their
  // global norm when clip_norm > 0, steps, and then clears every gradient
  // (undefined, not zero): parameters off the next path are left untouched
  // by momentum and weight decay, and resumed runs continue exactly.
  void step(torch::optim::Optimizer& optimizer, double clip_norm = 0);
  // Rank 0's current decisions to every rank.
  void sync_decisions(Mutator& mutator);

  // loss.backward(), with the loss scaled in fp16.
  void backward(const at::Tensor& loss);

  // Autocast for the forward pass per options().precision (no-op in fp32).
  class AutocastGuard {
   public:
    explicit AutocastGuard(Precision precision);
    ~AutocastGuard();

   private:
    Precision precision_;
    bool previous_ = false;
  };
  AutocastGuard autocast() const { return AutocastGuard(precision_); }
  const at::Device& device() const { return device_; }
  at::MemoryFormat memory_format() const { return memory_format_; }

  Distributed* distributed() const { return distributed_; }
  BatchSource* train_source() const { return train_; }

 private:
  struct OptimizerEntry {
    std::string name;
    torch::optim::Optimizer* optimizer;
    std::shared_ptr<LrSchedule> schedule;
  };

  absl::Status run();
  absl::Status setup_outputs();
  absl::Status save_checkpoint(int64_t next_epoch, int64_t next_batch);
  absl::Status restore_latest();
  absl::Status restore(const std::string& path);
  absl::Status log(const std::string& split, const Metrics& metrics);
  absl::StatusOr<Metrics> run_validation();
  void show_progress(int64_t batch_index, int64_t batches, const Metrics& metrics, bool final);
  std::vector<std::string> checkpoint_files() const;
  CheckpointState checkpoint_state();

  TrainerOptions options_;
  std::vector<std::string> epoch_logs_;
  Precision precision_ = Precision::kFloat32;
  at::Device device_ = at::Device(at::kCPU);
  at::MemoryFormat memory_format_ = at::MemoryFormat::Contiguous;
  std::unique_ptr<LossScaler> scaler_;
  std::shared_ptr<torch::nn::Module> model_;
  BatchSource* train_;
  Distributed* distributed_;
  Mutator* mutator_ = nullptr;
  std::vector<OptimizerEntry> optimizers_;
  std::vector<std::shared_ptr<Callback>> callbacks_;
  std::unique_ptr<TensorBoardWriter> tensorboard_;

  int64_t epoch_ = 0;
  int64_t start_batch_ = 0;
  int64_t global_step_ = 0;
  Metrics running_sum_;
  int64_t running_count_ = 0;
  Metrics last_validation_;
  int64_t validated_step_ = -1;  // global_step_ of last_validation_
  double epoch_start_time_ = 0;
  bool tty_ = false;
};

}  // namespace nas

#endif  // NAS_TRAIN_TRAINER_H_
