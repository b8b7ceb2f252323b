// One trial of a multi-trial search: trains the architecture in
// --parameters briefly and writes its validation accuracy to --result (the
// shared trial job, nas/jobs/trial_job.h, on small_cnn by default).
//
//   tools/bazel run //tools:tune -- --search_space=$PWD/space.json --tuner=evolution \
//       --trial_command="$PWD/bazel-bin/algorithms/random/trial --steps=300" ...
//
// RUN: tools/bazel run //algorithms/random:trial -- --parameters=$PWD/params.json --steps=300
#include <cstdio>

#include <gflags/gflags.h>

#include "nas/jobs/job_main.h"
#include "nas/jobs/trial_job.h"

DEFINE_string(parameters, "",
              "NNI parameters of the architecture (default: $NAS_TRIAL_PARAMETERS).");
DEFINE_string(result, "", "Where to write the report (default: $NAS_TRIAL_RESULT; none: stdout).");
DEFINE_int64(steps, 300, "Training steps.");
DEFINE_int64(evaluations, 3, "Validation points, reported as intermediate results.");
DEFINE_uint64(split_seed, 0,
              "Seed of the dataset's train/valid split (the same for every trial of a search).");

int main(int argc, char** argv) {
  nas::JobMain<nas::TrialJobOptions> job;
  job.usage = "Trains one architecture briefly and reports its validation accuracy.";
  job.space_flags = true;
  job.flags = {{"steps", "steps"}, {"evaluations", "evaluations"}, {"split_seed", "split_seed"}};
  job.from_json = [](const nas::Json& j,
                     const std::string& source) -> absl::StatusOr<nas::TrialJobOptions> {
    nas::TrialJobOptions o;  // small_cnn, 300 steps, 3 evaluations
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
