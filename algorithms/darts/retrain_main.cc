// DARTS retraining: the evaluation network fixed to an architecture file,
// trained from scratch; prints the parameter count and the test accuracy.
//
// RUN: tools/bazel run //algorithms/darts:retrain -- --architecture=darts/search/architecture.json
#include <gflags/gflags.h>

#include "algorithms/darts/config.h"
#include "algorithms/darts/retrain_job.h"
#include "nas/core/architecture.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"

DEFINE_string(config, "", "Configuration (JSON; see algorithms/darts/config.h). Default: the preset.");
DEFINE_string(preset, "", "fashion_mnist (default) or paper.");
DEFINE_string(architecture, "", "Architecture file (:search's architecture.json, or an NNI DARTS file).");
DEFINE_string(output_dir, "darts/retrain", "Where metrics, checkpoints, model.pt and result.json go.");
DEFINE_uint64(seed, 0, "Seed (overrides the config's).");
DEFINE_int64(epochs, 0, "Epochs (0 = the config's).");
DEFINE_bool(resume, false, "Continue from the last checkpoint in --output_dir.");

namespace {

absl::Status Run() {
  if (FLAGS_architecture.empty()) return absl::InvalidArgumentError("--architecture is required");
  NAS_ASSIGN_OR_RETURN(nas::darts::DartsConfig config,
                       nas::darts::LoadDartsConfig(FLAGS_config.empty() ? "" : nas::ResolveUserPath(FLAGS_config),
                                                   FLAGS_preset));
  if (!gflags::GetCommandLineFlagInfoOrDie("seed").is_default) config.seed = FLAGS_seed;
  if (FLAGS_epochs > 0) config.retrain.trainer.epochs = FLAGS_epochs;
  NAS_ASSIGN_OR_RETURN(nas::Architecture arch, nas::ReadArchitecture(nas::ResolveUserPath(FLAGS_architecture)));
  return nas::darts::RunRetrainJob(config, arch, nas::ResolveUserPath(FLAGS_output_dir), FLAGS_resume).status();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("DARTS: retrains the evaluation network of a found cell from scratch.", &argc, &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
