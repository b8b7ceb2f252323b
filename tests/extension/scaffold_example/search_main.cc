// The scaffold_example package's search: trains a supernet, then the "scaffold_example"
// tuner searches it (search.h).
//
// RUN: tools/bazel run //tests/extension/scaffold_example:search -- --dataset=synthetic --epochs=1 --output_dir=runs/scaffold_example
#include <gflags/gflags.h>

#include "tests/extension/scaffold_example/search.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"

DEFINE_string(config, "", "JSON config (members as in config.json); flags given explicitly win.");
DEFINE_string(space, "scaffold_example_net", "Registered search space.");
DEFINE_string(space_options, "{}", "Options of the search space, as a JSON object.");
DEFINE_string(dataset, "fashion_mnist", "Registered dataset: fashion_mnist, cifar10, synthetic.");
DEFINE_string(data_dir, "", "Dataset folder; empty = the dataset's default.");
DEFINE_int64(synthetic_size, 2048, "Examples of the synthetic dataset.");
DEFINE_int64(batch_size, 64, "Batch size per process.");
DEFINE_int32(workers, 2, "Data loader threads.");
DEFINE_uint64(seed, 0, "Seed of weights, data order, architectures and the tuner.");
DEFINE_int64(epochs, 5, "Supernet training epochs.");
DEFINE_double(lr, 0.05, "Initial SGD learning rate (cosine decay).");
DEFINE_string(tuner_options, "{}", "Options of the scaffold_example tuner, as a JSON object.");
DEFINE_int64(max_trials, 20, "Architectures the tuner proposes.");
DEFINE_int64(eval_batches, 10, "Held-out batches scoring each architecture (0 = all).");
DEFINE_bool(resume, false, "Continue the run in --output_dir.");
DEFINE_string(output_dir, "scaffold_example_search", "Output folder, relative to where you ran bazel run.");

namespace {

bool Set(const char* flag) { return !gflags::GetCommandLineFlagInfoOrDie(flag).is_default; }

absl::Status Run() {
  nas::scaffold_example::SearchJobOptions o;
  bool from_file = !FLAGS_config.empty();
  if (from_file) {
    NAS_ASSIGN_OR_RETURN(nas::Json config, nas::ReadJsonFile(nas::ResolveUserPath(FLAGS_config)));
    NAS_RETURN_IF_ERROR(nas::Annotate(nas::scaffold_example::SearchJobOptionsFromJson(config, &o), FLAGS_config));
  }
  auto use = [&](const char* flag) { return !from_file || Set(flag); };
  if (use("space")) o.space = FLAGS_space;
  if (use("space_options")) {
    NAS_ASSIGN_OR_RETURN(o.space_options, nas::ParseJson(FLAGS_space_options, "--space_options"));
  }
  if (use("dataset")) o.dataset = FLAGS_dataset;
  if (use("data_dir")) o.data_dir = FLAGS_data_dir.empty() ? "" : nas::ResolveUserPath(FLAGS_data_dir);
  if (use("synthetic_size")) o.synthetic_size = FLAGS_synthetic_size;
  if (use("batch_size")) o.batch_size = FLAGS_batch_size;
  if (use("workers")) o.workers = FLAGS_workers;
  if (use("seed")) o.seed = FLAGS_seed;
  if (use("epochs")) o.trainer.epochs = FLAGS_epochs;
  if (use("lr")) o.optimizer.lr = FLAGS_lr;
  if (use("tuner_options")) {
    NAS_ASSIGN_OR_RETURN(o.tuner_options, nas::ParseJson(FLAGS_tuner_options, "--tuner_options"));
  }
  if (use("max_trials")) o.max_trials = FLAGS_max_trials;
  if (use("eval_batches")) o.eval_batches = FLAGS_eval_batches;
  if (use("output_dir") || o.trainer.output_dir.empty()) o.trainer.output_dir = FLAGS_output_dir;
  o.trainer.output_dir = nas::ResolveUserPath(o.trainer.output_dir);
  o.trainer.resume = FLAGS_resume;
  return nas::scaffold_example::RunSearchJob(o).status();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain(
      "scaffold_example: trains a supernet of a registered space, then the scaffold_example tuner searches it; "
      "resumable, data-parallel under tools/launch, torchrun or srun.",
      &argc, &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
