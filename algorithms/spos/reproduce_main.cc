// The whole SPOS pipeline: supernet, evolution, retraining of the best and
// of K random architectures, and a report (report.md, report.json, plots).
//
// RUN: tools/bazel run //algorithms/spos:reproduce -- --output_dir=spos_reproduction
#include <gflags/gflags.h>

#include "algorithms/spos/config.h"
#include "algorithms/spos/reproduce_job.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"

DEFINE_string(config, "", "Pipeline configuration (JSON; see algorithms/spos/config.h). Default: the preset.");
DEFINE_string(preset, "", "fashion_mnist (default; under 20 minutes on 2 CPU cores) or paper.");
DEFINE_string(output_dir, "spos_reproduction", "Where every phase's files and the report go.");
DEFINE_uint64(seed, 0, "Seed (overrides the config's).");
DEFINE_bool(resume, false, "Continue a killed reproduction in --output_dir.");
DEFINE_bool(print_config, false, "Print the resolved configuration and exit.");

namespace {

absl::Status Run() {
  NAS_ASSIGN_OR_RETURN(nas::spos::SposConfig config,
                       nas::spos::LoadSposConfig(FLAGS_config.empty() ? "" : nas::ResolveUserPath(FLAGS_config),
                                                 FLAGS_preset));
  if (!gflags::GetCommandLineFlagInfoOrDie("seed").is_default) config.seed = FLAGS_seed;
  if (FLAGS_print_config) {
    printf("%s\n", nas::spos::SposConfigToJson(config).dump(2).c_str());
    return absl::OkStatus();
  }
  return nas::spos::RunReproduceJob(config, nas::ResolveUserPath(FLAGS_output_dir), FLAGS_resume).status();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("Reproduces SPOS end to end: supernet, evolution, retraining, report.", &argc, &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
