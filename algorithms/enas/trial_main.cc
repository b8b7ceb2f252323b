// One trial of the multi-trial ENAS search (:rl_tuner runs it): trains the
// architecture in --parameters briefly and writes its validation accuracy
// to --result.
//
// RUN: tools/bazel run //algorithms/enas:trial -- --parameters=$PWD/params.json --steps=200
#include <cstdio>

#include <gflags/gflags.h>

#include "algorithms/enas/trial_job.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"

DEFINE_string(parameters, "", "NNI parameters of the architecture (default: $NAS_TRIAL_PARAMETERS).");
DEFINE_string(result, "", "Where to write the report (default: $NAS_TRIAL_RESULT; none: stdout).");
DEFINE_string(space, "enas_macro", "ENAS search space: enas_macro or enas_micro.");
DEFINE_string(space_options, "{\"preset\": \"fashion_mnist\"}", "Options of the space, as a JSON object.");
DEFINE_string(dataset, "fashion_mnist", "Registered dataset (fashion_mnist, cifar10, synthetic).");
DEFINE_string(data_dir, "", "Dataset directory (default: the dataset's own).");
DEFINE_int64(synthetic_size, 2048, "Examples of the synthetic dataset.");
DEFINE_int64(steps, 200, "Training steps.");
DEFINE_int64(batch_size, 64, "Batch size.");
DEFINE_double(learning_rate, 0.05, "Initial learning rate (SGD, Nesterov momentum 0.9, cosine decay).");
DEFINE_int64(evaluations, 2, "Validation points, reported as intermediate results.");
DEFINE_int64(valid_examples, 2000, "Validation examples (0: the whole 10% split).");
DEFINE_uint64(seed, 0, "Seed of the weights and the batch order (default: $NAS_TRIAL_SEED).");
DEFINE_uint64(split_seed, 0, "Seed of the train/valid split (the same for every trial of a search).");

namespace {

absl::Status Run() {
  NAS_ASSIGN_OR_RETURN(nas::TrialContext context, nas::TrialEnvironment(FLAGS_parameters, FLAGS_result));
  nas::enas::TrialJobOptions o;
  o.space = FLAGS_space;
  NAS_ASSIGN_OR_RETURN(o.space_options, nas::ParseJson(FLAGS_space_options, "--space_options"));
  o.dataset = FLAGS_dataset;
  o.data_dir = FLAGS_data_dir.empty() ? "" : nas::ResolveUserPath(FLAGS_data_dir);
  o.synthetic_size = FLAGS_synthetic_size;
  o.steps = FLAGS_steps;
  o.batch_size = FLAGS_batch_size;
  o.learning_rate = FLAGS_learning_rate;
  o.evaluations = FLAGS_evaluations;
  o.valid_examples = FLAGS_valid_examples;
  o.seed = gflags::GetCommandLineFlagInfoOrDie("seed").is_default ? context.seed : FLAGS_seed;
  o.split_seed = FLAGS_split_seed;
  NAS_ASSIGN_OR_RETURN(nas::TrialReport report, nas::enas::RunTrialJob(o, context.parameters));
  if (context.result_path.empty()) {
    printf("%s\n", nas::TrialReportToJson(report).dump(2).c_str());
    return absl::OkStatus();
  }
  return nas::WriteTrialReport(context.result_path, report);
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("Trains one ENAS architecture briefly and reports its validation accuracy.", &argc, &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
