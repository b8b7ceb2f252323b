// The evolutionary baseline of DARTS: aging evolution over the same cell
// space, one :trial process per candidate. The common flags are
// nas/jobs/job_main.h's.
//
// RUN: tools/bazel run //algorithms/darts:evolution -- --output_dir=darts/evolution
#include <gflags/gflags.h>

#include "algorithms/darts/config.h"
#include "algorithms/darts/evolution_job.h"
#include "nas/jobs/job_main.h"

DEFINE_int64(max_trials, 0,
             "Trials in total (sets evolution.max_trials; default: the configuration's).");
DEFINE_double(max_duration, 0,
              "Seconds, 0 = no limit (sets evolution.max_duration; default: the configuration's).");
DEFINE_int32(parallel, 0,
             "Trials at a time (sets evolution.parallel; default: the configuration's).");
DEFINE_int64(trial_steps, 0,
             "Training steps per trial (sets trial.steps; default: the configuration's).");
DEFINE_string(trial_command, "", "Trial program (default: the :trial binary next to this one).");

int main(int argc, char** argv) {
  using nas::darts::DartsConfig;
  nas::JobMain<DartsConfig> job;
  job.usage =
      "DARTS evolution baseline: aging evolution over the cell space, one trial per candidate.";
  job.output_dir = "darts/evolution";
  job.from_json = &nas::darts::DartsConfigFromJson;
  job.to_json = &nas::darts::DartsConfigToJson;
  job.flags = {{"max_trials", "evolution.max_trials"},
               {"max_duration", "evolution.max_duration"},
               {"parallel", "evolution.parallel"},
               {"trial_steps", "trial.steps"}};
  // A finished search resumed with a larger --max_trials continues.
  job.resume_may_change = {"evolution.max_trials", "evolution.parallel"};
  job.run = [](const DartsConfig& config, const nas::JobArgs& args) {
    return nas::darts::RunEvolutionJob(config, args.output_dir, args.resume, FLAGS_trial_command)
        .status();
  };
  return job.main(argc, argv);
}
