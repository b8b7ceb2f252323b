// Retrains an ENAS architecture from scratch and reports its test accuracy.
//
// RUN: tools/bazel run //algorithms/enas:retrain -- --architecture=$PWD/enas/search/best_architecture.json --output_dir=enas/retrain
#include <cstdio>

#include <gflags/gflags.h>

#include "algorithms/enas/config.h"
#include "algorithms/enas/retrain_job.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"

DEFINE_string(config, "", "Configuration (JSON; see algorithms/enas/config.h). Default: the preset.");
DEFINE_string(preset, "", "fashion_mnist (default), fashion_mnist_micro, paper or paper_micro.");
DEFINE_string(architecture, "", "Architecture file (from :search, or NNI's format).");
DEFINE_string(output_dir, "enas/retrain", "Where metrics, checkpoints, model.pt and result.json go.");
DEFINE_uint64(seed, 0, "Seed (overrides the config's).");
DEFINE_int64(epochs, 0, "Epochs (0 = the config's).");
DEFINE_int64(max_steps, -1, "Stop after this many steps (-1 = the config's, 0 = all epochs).");
DEFINE_bool(resume, false, "Continue from the last checkpoint in --output_dir.");

namespace {

absl::Status Run() {
  if (FLAGS_architecture.empty()) return absl::InvalidArgumentError("--architecture is required");
  NAS_ASSIGN_OR_RETURN(nas::enas::EnasConfig config,
                       nas::enas::LoadEnasConfig(FLAGS_config.empty() ? "" : nas::ResolveUserPath(FLAGS_config),
                                                 FLAGS_preset));
  if (!gflags::GetCommandLineFlagInfoOrDie("seed").is_default) config.seed = FLAGS_seed;
  if (FLAGS_epochs < 0) return absl::InvalidArgumentError("--epochs must be >= 0");
  if (FLAGS_epochs > 0) config.retrain.trainer.epochs = FLAGS_epochs;
  if (FLAGS_max_steps >= 0) config.retrain.trainer.max_steps = FLAGS_max_steps;
  NAS_ASSIGN_OR_RETURN(nas::Architecture arch, nas::ReadArchitecture(nas::ResolveUserPath(FLAGS_architecture)));
  NAS_ASSIGN_OR_RETURN(nas::enas::RetrainResult result,
                       nas::enas::RunRetrainJob(config, arch, nas::ResolveUserPath(FLAGS_output_dir), FLAGS_resume));
  printf("%s\n", nas::enas::RetrainResultToJson(result).dump(2).c_str());
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("Retrains an ENAS architecture from scratch and reports its test accuracy.", &argc, &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
