// One trial of the DARTS evolution baseline: trains the cell in
// --parameters briefly and writes its validation accuracy to --result.
//
// RUN: tools/bazel run //algorithms/darts:trial -- --parameters=$PWD/params.json
#include <cstdio>

#include <gflags/gflags.h>

#include "algorithms/darts/config.h"
#include "algorithms/darts/trial_job.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"

DEFINE_string(parameters, "", "NNI parameters of the cell (default: $NAS_TRIAL_PARAMETERS).");
DEFINE_string(result, "", "Where to write the report (default: $NAS_TRIAL_RESULT; none: stdout).");
DEFINE_string(config, "", "Configuration (JSON; see algorithms/darts/config.h). Default: the preset.");
DEFINE_string(preset, "", "fashion_mnist (default) or paper.");
DEFINE_int64(steps, 0, "Training steps (0 = the config's trial.steps).");
DEFINE_uint64(seed, 0, "Seed of the weights and batch order (default: $NAS_TRIAL_SEED).");

namespace {

absl::Status Run() {
  NAS_ASSIGN_OR_RETURN(nas::TrialContext context, nas::TrialEnvironment(FLAGS_parameters, FLAGS_result));
  NAS_ASSIGN_OR_RETURN(nas::darts::DartsConfig config,
                       nas::darts::LoadDartsConfig(FLAGS_config.empty() ? "" : nas::ResolveUserPath(FLAGS_config),
                                                   FLAGS_preset));
  if (FLAGS_steps > 0) config.trial.steps = FLAGS_steps;
  const uint64_t seed = gflags::GetCommandLineFlagInfoOrDie("seed").is_default ? context.seed : FLAGS_seed;
  NAS_ASSIGN_OR_RETURN(nas::TrialReport report, nas::darts::RunTrialJob(config, context.parameters, seed));
  if (context.result_path.empty()) {
    printf("%s\n", nas::TrialReportToJson(report).dump(2).c_str());
    return absl::OkStatus();
  }
  return nas::WriteTrialReport(context.result_path, report);
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("DARTS evolution baseline: trains one cell briefly and reports its validation accuracy.", &argc,
                &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
