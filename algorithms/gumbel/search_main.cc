// RUN: tools/bazel run //algorithms/gumbel:search -- --epochs=2 --output_dir=runs/gumbel
// Data-parallel: tools/bazel run //tools:launch -- --nproc=2 -- $PWD/bazel-bin/algorithms/gumbel/search ...
#include <gflags/gflags.h>

#include "algorithms/gumbel/search.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"

DEFINE_string(config, "", "JSON config (members as in config.json); flags given explicitly win.");
DEFINE_string(space, "gumbel_cnn", "Registered search space.");
DEFINE_string(space_options, "{}", "Options of the search space, as a JSON object.");
DEFINE_string(dataset, "fashion_mnist", "Registered dataset: fashion_mnist, cifar10, synthetic.");
DEFINE_string(data_dir, "", "Dataset folder; empty = the dataset's default.");
DEFINE_int64(synthetic_size, 2048, "Examples of the synthetic dataset.");
DEFINE_double(train_fraction, 0.9, "Share of the training set used for weights; the rest validates.");
DEFINE_int64(batch_size, 64, "Batch size per process.");
DEFINE_int32(workers, 2, "Data loader threads.");
DEFINE_uint64(seed, 0, "Seed of weights, data order, augmentation and paths.");
DEFINE_int64(epochs, 5, "Epochs.");
DEFINE_int64(max_steps, 0, "Stop after this many steps (0 = all epochs).");
DEFINE_double(lr, 0.05, "Initial learning rate (cosine decay to min_lr).");
DEFINE_double(min_lr, 0.001, "Final learning rate.");
DEFINE_double(momentum, 0.9, "SGD momentum.");
DEFINE_double(weight_decay, 3e-4, "SGD weight decay.");
DEFINE_double(arch_lr, 3e-3, "Adam learning rate of the architecture logits.");
DEFINE_double(tau_start, 5, "Gumbel-softmax temperature at the first step.");
DEFINE_double(tau_end, 0.5, "Temperature at the last step (exponential annealing).");
DEFINE_string(mode, "hard", "hard (straight-through: one candidate runs) or soft (all run, weighted).");
DEFINE_string(precision, "fp32", "fp32, bf16 (CPU autocast) or fp16 (CUDA autocast, loss scaling).");
DEFINE_string(device, "cpu", "cpu, cuda or cuda:N.");
DEFINE_int64(log_every, 50, "Steps between log lines and metric records.");
DEFINE_int64(checkpoint_every, 0, "Steps between checkpoints (0 = at epoch ends).");
DEFINE_int32(keep_checkpoints, 3, "Checkpoints kept.");
DEFINE_bool(resume, false, "Continue the run in --output_dir from its newest checkpoint.");
DEFINE_string(output_dir, "gumbel_search", "Output folder, relative to where you ran bazel run.");

namespace {

bool Set(const char* flag) { return !gflags::GetCommandLineFlagInfoOrDie(flag).is_default; }

absl::Status Run() {
  nas::gumbel::SearchJobOptions o;
  bool from_file = !FLAGS_config.empty();
  if (from_file) {
    NAS_ASSIGN_OR_RETURN(nas::Json config, nas::ReadJsonFile(nas::ResolveUserPath(FLAGS_config)));
    NAS_RETURN_IF_ERROR(nas::Annotate(nas::gumbel::SearchJobOptionsFromJson(config, &o), FLAGS_config));
  } else {
    o.trainer.output_dir = FLAGS_output_dir;
  }
  auto use = [&](const char* flag) { return !from_file || Set(flag); };
  if (use("space")) o.space = FLAGS_space;
  if (use("space_options")) {
    NAS_ASSIGN_OR_RETURN(o.space_options, nas::ParseJson(FLAGS_space_options, "--space_options"));
  }
  if (use("dataset")) o.dataset = FLAGS_dataset;
  if (use("data_dir")) o.data_dir = nas::ResolveUserPath(FLAGS_data_dir);
  if (use("synthetic_size")) o.synthetic_size = FLAGS_synthetic_size;
  if (use("train_fraction")) o.train_fraction = FLAGS_train_fraction;
  if (use("batch_size")) o.batch_size = FLAGS_batch_size;
  if (use("workers")) o.workers = FLAGS_workers;
  if (use("seed")) o.seed = FLAGS_seed;
  if (use("epochs")) o.trainer.epochs = FLAGS_epochs;
  if (use("max_steps")) o.trainer.max_steps = FLAGS_max_steps;
  if (use("precision")) o.trainer.precision = FLAGS_precision;
  if (use("device")) o.trainer.device = FLAGS_device;
  if (use("log_every")) o.trainer.log_every = FLAGS_log_every;
  if (use("checkpoint_every")) o.trainer.checkpoint_every = FLAGS_checkpoint_every;
  if (use("keep_checkpoints")) o.trainer.keep_checkpoints = FLAGS_keep_checkpoints;
  if (use("output_dir")) o.trainer.output_dir = FLAGS_output_dir;
  if (use("lr")) o.optimizer.lr = FLAGS_lr;
  if (use("min_lr")) o.optimizer.min_lr = FLAGS_min_lr;
  if (use("momentum")) o.optimizer.momentum = FLAGS_momentum;
  if (use("weight_decay")) o.optimizer.weight_decay = FLAGS_weight_decay;
  if (use("arch_lr")) o.optimizer.arch_lr = FLAGS_arch_lr;
  if (use("tau_start")) o.optimizer.tau_start = FLAGS_tau_start;
  if (use("tau_end")) o.optimizer.tau_end = FLAGS_tau_end;
  if (use("mode")) o.optimizer.mode = FLAGS_mode;
  o.trainer.resume = FLAGS_resume;
  o.trainer.output_dir = nas::ResolveUserPath(o.trainer.output_dir);
  return nas::gumbel::RunSearchJob(o);
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain(
      "Gumbel-softmax one-shot search: trains the weights and the architecture logits of a "
      "registered space jointly; resumable, data-parallel under tools/launch, torchrun or srun.",
      &argc, &argv);
  return nas::ExitWith(Run());
}
