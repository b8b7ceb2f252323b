// The evolutionary baseline of DARTS: aging evolution over the same cell
// space, one :trial process per candidate.
//
// RUN: tools/bazel run //algorithms/darts:evolution -- --output_dir=darts/evolution
#include <gflags/gflags.h>

#include "algorithms/darts/config.h"
#include "algorithms/darts/evolution_job.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"

DEFINE_string(config, "", "Configuration (JSON; see algorithms/darts/config.h). Default: the preset.");
DEFINE_string(preset, "", "fashion_mnist (default) or paper.");
DEFINE_string(output_dir, "darts/evolution", "History, trials and the best architecture go here.");
DEFINE_uint64(seed, 0, "Seed (overrides the config's).");
DEFINE_int64(max_trials, 0, "Trials in total (0 = the config's).");
DEFINE_double(max_duration, -1, "Seconds (0 = no limit; default: the config's).");
DEFINE_int32(parallel, 0, "Trials at a time (0 = the config's).");
DEFINE_int64(trial_steps, 0, "Training steps per trial (0 = the config's).");
DEFINE_string(trial_command, "", "Trial program (default: the :trial binary next to this one).");
DEFINE_bool(resume, false, "Continue the search in --output_dir.");

namespace {

absl::Status Run() {
  NAS_ASSIGN_OR_RETURN(nas::darts::DartsConfig config,
                       nas::darts::LoadDartsConfig(FLAGS_config.empty() ? "" : nas::ResolveUserPath(FLAGS_config),
                                                   FLAGS_preset));
  if (!gflags::GetCommandLineFlagInfoOrDie("seed").is_default) config.seed = FLAGS_seed;
  if (FLAGS_max_trials > 0) config.evolution.max_trials = FLAGS_max_trials;
  if (FLAGS_max_duration >= 0) config.evolution.max_duration = FLAGS_max_duration;
  if (FLAGS_parallel > 0) config.evolution.parallel = FLAGS_parallel;
  if (FLAGS_trial_steps > 0) config.trial.steps = FLAGS_trial_steps;
  return nas::darts::RunEvolutionJob(config, nas::ResolveUserPath(FLAGS_output_dir), FLAGS_resume,
                                     FLAGS_trial_command)
      .status();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("DARTS evolution baseline: aging evolution over the cell space, one trial per candidate.", &argc,
                &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
