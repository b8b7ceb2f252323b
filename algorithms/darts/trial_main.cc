// One trial of the DARTS evolution baseline: trains the cell in
// --parameters briefly and writes its validation accuracy to --result. The
// weights' seed is --seed when given (which also sets the configuration's
// seed, hence the data split), else $NAS_TRIAL_SEED.
//
// RUN: tools/bazel run //algorithms/darts:trial -- --parameters=$PWD/params.json
#include <gflags/gflags.h>

#include <cstdio>

#include "algorithms/darts/config.h"
#include "algorithms/darts/trial_job.h"
#include "nas/base/status.h"
#include "nas/jobs/job_main.h"
#include "nas/multi_trial/trial.h"

DEFINE_string(parameters, "", "NNI parameters of the cell (default: $NAS_TRIAL_PARAMETERS).");
DEFINE_string(result, "", "Where to write the report (default: $NAS_TRIAL_RESULT; none: stdout).");
DEFINE_int64(steps, 0, "Training steps (sets trial.steps; default: the configuration's).");

int main(int argc, char** argv) {
  using nas::darts::DartsConfig;
  nas::JobMain<DartsConfig> job;
  job.usage =
      "DARTS evolution baseline: trains one cell briefly and reports its validation accuracy.";
  job.from_json = &nas::darts::DartsConfigFromJson;
  job.to_json = &nas::darts::DartsConfigToJson;
  job.flags = {{"steps", "trial.steps"}};
  job.run = [](const DartsConfig& config, const nas::JobArgs&) -> absl::Status {
    NAS_ASSIGN_OR_RETURN(nas::TrialContext context,
                         nas::TrialEnvironment(FLAGS_parameters, FLAGS_result));
    const uint64_t seed = nas::FlagWasSet("seed") ? config.seed : context.seed;
    NAS_ASSIGN_OR_RETURN(nas::TrialReport report,
                         nas::darts::RunTrialJob(config, context.parameters, seed));
    if (context.result_path.empty()) {
      printf("%s\n", nas::TrialReportToJson(report).dump(2).c_str());
      return absl::OkStatus();
    }
    return nas::WriteTrialReport(context.result_path, report);
  };
  return job.main(argc, argv);
}
