// SPOS phase 1: trains the supernet.
//
// RUN: tools/bazel run //algorithms/spos:supernet -- --output_dir=spos/supernet
#include <gflags/gflags.h>

#include "algorithms/spos/config.h"
#include "algorithms/spos/supernet_job.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"

DEFINE_string(config, "", "Pipeline configuration (JSON; see algorithms/spos/config.h). Default: the preset.");
DEFINE_string(preset, "", "fashion_mnist (default) or paper.");
DEFINE_string(output_dir, "spos/supernet", "Where metrics, checkpoints and supernet.pt go.");
DEFINE_uint64(seed, 0, "Seed (overrides the config's).");
DEFINE_int64(epochs, 0, "Epochs (0 = the config's).");
DEFINE_bool(resume, false, "Continue from the last checkpoint in --output_dir.");

namespace {

absl::Status Run() {
  NAS_ASSIGN_OR_RETURN(nas::spos::SposConfig config,
                       nas::spos::LoadSposConfig(FLAGS_config.empty() ? "" : nas::ResolveUserPath(FLAGS_config),
                                                 FLAGS_preset));
  if (!gflags::GetCommandLineFlagInfoOrDie("seed").is_default) config.seed = FLAGS_seed;
  if (FLAGS_epochs > 0) config.supernet.trainer.epochs = FLAGS_epochs;
  return nas::spos::RunSupernetJob(config, nas::ResolveUserPath(FLAGS_output_dir), FLAGS_resume).status();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("SPOS phase 1: trains the one-shot supernet with single random paths.", &argc, &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
