// SPOS phase 3: retrains one architecture from scratch and reports its test
// accuracy.
//
// RUN: tools/bazel run //algorithms/spos:retrain -- --architecture=$PWD/spos/evolution/best_architecture.json --output_dir=spos/retrain
#include <cstdio>

#include <gflags/gflags.h>

#include "algorithms/spos/config.h"
#include "algorithms/spos/retrain_job.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"

DEFINE_string(config, "", "Pipeline configuration (JSON; see algorithms/spos/config.h). Default: the preset.");
DEFINE_string(preset, "", "fashion_mnist (default) or paper.");
DEFINE_string(architecture, "", "Architecture file (ours or NNI's SPOS format).");
DEFINE_string(inherit, "", "Start from this supernet.pt's weights instead of from scratch.");
DEFINE_string(output_dir, "spos/retrain", "Where metrics, checkpoints, model.pt and result.json go.");
DEFINE_uint64(seed, 0, "Seed (overrides the config's).");
DEFINE_int64(epochs, 0, "Epochs (0 = the config's).");
DEFINE_bool(resume, false, "Continue from the last checkpoint in --output_dir.");

namespace {

absl::Status Run() {
  if (FLAGS_architecture.empty()) return absl::InvalidArgumentError("--architecture is required");
  NAS_ASSIGN_OR_RETURN(nas::spos::SposConfig config,
                       nas::spos::LoadSposConfig(FLAGS_config.empty() ? "" : nas::ResolveUserPath(FLAGS_config),
                                                 FLAGS_preset));
  if (!gflags::GetCommandLineFlagInfoOrDie("seed").is_default) config.seed = FLAGS_seed;
  if (FLAGS_epochs > 0) config.retrain.trainer.epochs = FLAGS_epochs;
  NAS_ASSIGN_OR_RETURN(nas::Architecture arch, nas::ReadArchitecture(nas::ResolveUserPath(FLAGS_architecture)));
  NAS_ASSIGN_OR_RETURN(
      nas::spos::RetrainResult result,
      nas::spos::RunRetrainJob(config, arch, nas::ResolveUserPath(FLAGS_output_dir), FLAGS_resume,
                               FLAGS_inherit.empty() ? "" : nas::ResolveUserPath(FLAGS_inherit)));
  printf("%s\n", nas::spos::RetrainResultToJson(result).dump(2).c_str());
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("SPOS phase 3: retrains an architecture and reports its test accuracy.", &argc, &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
