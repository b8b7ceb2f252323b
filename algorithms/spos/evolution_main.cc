// SPOS phase 2: evolutionary search on a trained supernet.
//
// RUN: tools/bazel run //algorithms/spos:evolution -- --supernet=$PWD/spos/supernet/supernet.pt --output_dir=spos/evolution
#include <gflags/gflags.h>

#include "algorithms/spos/config.h"
#include "algorithms/spos/evolution_job.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"

DEFINE_string(config, "", "Pipeline configuration (JSON; see algorithms/spos/config.h). Default: the preset.");
DEFINE_string(preset, "", "fashion_mnist (default) or paper.");
DEFINE_string(supernet, "spos/supernet/supernet.pt", "The trained supernet (from :supernet).");
DEFINE_string(output_dir, "spos/evolution", "Where history.jsonl, best_architecture.json and plots go.");
DEFINE_uint64(seed, 0, "Seed (overrides the config's).");
DEFINE_double(flops_limit, -1, "FLOPs (multiply-adds) limit; -1 = the config's, 0 = none.");
DEFINE_bool(resume, false, "Continue the search in --output_dir.");

namespace {

absl::Status Run() {
  NAS_ASSIGN_OR_RETURN(nas::spos::SposConfig config,
                       nas::spos::LoadSposConfig(FLAGS_config.empty() ? "" : nas::ResolveUserPath(FLAGS_config),
                                                 FLAGS_preset));
  if (!gflags::GetCommandLineFlagInfoOrDie("seed").is_default) config.seed = FLAGS_seed;
  if (FLAGS_flops_limit >= 0) config.evolution.flops_limit = FLAGS_flops_limit;
  return nas::spos::RunEvolutionJob(config, nas::ResolveUserPath(FLAGS_supernet),
                                    nas::ResolveUserPath(FLAGS_output_dir), FLAGS_resume)
      .status();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("SPOS phase 2: evolutionary architecture search on a trained supernet.", &argc, &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
