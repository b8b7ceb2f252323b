// One trial of the multi-trial ENAS search (:rl_tuner runs it): trains the
// architecture in --parameters briefly and writes its validation accuracy
// to --result. The shared trial job (nas/jobs/trial_job.h) with ENAS's
// defaults (EnasTrialOptions, config.h); --print_config shows them all and
// --config / --set change any (e.g. --set=data.batch_size=32,optimizer.lr=0.1).
//
// RUN: tools/bazel run //algorithms/enas:trial -- --parameters=$PWD/params.json --steps=200
#include <cstdio>

#include <gflags/gflags.h>

#include "algorithms/enas/config.h"
#include "nas/base/status.h"
#include "nas/jobs/job_main.h"
#include "nas/jobs/trial_job.h"
#include "nas/multi_trial/trial.h"

DEFINE_string(parameters, "",
              "NNI parameters of the architecture (default: $NAS_TRIAL_PARAMETERS).");
DEFINE_string(result, "", "Where to write the report (default: $NAS_TRIAL_RESULT; none: stdout).");
DEFINE_int64(steps, 0, "Training steps (default: the configuration's).");
DEFINE_int64(evaluations, 0,
             "Validation points, reported as intermediate results (default: the configuration's).");
DEFINE_uint64(split_seed, 0,
              "Seed of the dataset's train/valid split (the same for every trial of a search).");

int main(int argc, char** argv) {
  nas::JobMain<nas::TrialJobOptions> job;
  job.usage = "Trains one ENAS architecture briefly and reports its validation accuracy.";
  job.space_flags = true;
  job.flags = {{"steps", "steps"}, {"evaluations", "evaluations"}, {"split_seed", "split_seed"}};
  job.from_json = [](const nas::Json& j,
                     const std::string& source) -> absl::StatusOr<nas::TrialJobOptions> {
    nas::TrialJobOptions o = nas::enas::EnasTrialOptions();
    NAS_RETURN_IF_ERROR(nas::TrialJobOptionsFromJson(j, source, &o));
    return o;
  };
  job.to_json = &nas::TrialJobOptionsToJson;
  job.run = [](nas::TrialJobOptions o, const nas::JobArgs&) -> absl::Status {
    NAS_ASSIGN_OR_RETURN(nas::TrialContext context,
                         nas::TrialEnvironment(FLAGS_parameters, FLAGS_result));
    if (!nas::FlagWasSet("seed") && context.id >= 0) o.seed = context.seed;  // run by the driver
    NAS_ASSIGN_OR_RETURN(nas::TrialReport report, nas::RunTrialJob(o, context.parameters));
    if (context.result_path.empty()) {
      printf("%s\n", nas::TrialReportToJson(report).dump(2).c_str());
      return absl::OkStatus();
    }
    return nas::WriteTrialReport(context.result_path, report);
  };
  return job.main(argc, argv);
}
