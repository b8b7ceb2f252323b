#include "nas/jobs/trial_main.h"

#include <cstdio>

#include <gflags/gflags.h>

#include "nas/base/status.h"
#include "nas/jobs/job_main.h"
#include "nas/multi_trial/trial.h"

DEFINE_string(parameters, "", "NNI parameters of the architecture (default: $NAS_TRIAL_PARAMETERS).");
DEFINE_string(result, "", "Where to write the report (default: $NAS_TRIAL_RESULT; none: stdout).");
DEFINE_int64(steps, 0, "Training steps (default: the configuration's).");
DEFINE_int64(evaluations, 0,
             "Validation points, reported as intermediate results (default: the configuration's).");
DEFINE_uint64(split_seed, 0,
              "Seed of the dataset's train/valid split (the same for every trial of a search).");

namespace nas {

int TrialProgramMain(int argc, char** argv, const char* usage, TrialJobOptions defaults) {
  JobMain<TrialJobOptions> job;
  job.usage = usage;
  job.space_flags = true;
  job.flags = {{"steps", "steps"}, {"evaluations", "evaluations"}, {"split_seed", "split_seed"}};
  job.from_json = [defaults](const Json& j, const std::string& source) -> absl::StatusOr<TrialJobOptions> {
    TrialJobOptions o = defaults;
    NAS_RETURN_IF_ERROR(TrialJobOptionsFromJson(j, source, &o));
    return o;
  };
  job.to_json = &TrialJobOptionsToJson;
  job.run = [](TrialJobOptions o, const JobArgs&) -> absl::Status {
    NAS_ASSIGN_OR_RETURN(TrialContext context, TrialEnvironment(FLAGS_parameters, FLAGS_result));
    if (!FlagWasSet("seed") && context.id >= 0) o.seed = context.seed;  // run by the driver
    NAS_ASSIGN_OR_RETURN(TrialReport report, RunTrialJob(o, context.parameters));
    if (context.result_path.empty()) {
      printf("%s\n", TrialReportToJson(report).dump(2).c_str());
      return absl::OkStatus();
    }
    return WriteTrialReport(context.result_path, report);
  };
  return job.main(argc, argv);
}

}  // namespace nas
