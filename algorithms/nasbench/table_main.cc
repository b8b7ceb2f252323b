// Generates the benchmark table: every nasbench_cell architecture trained
// with the protocol, `seeds` times, plus each one's training cost measured
// alone (table_job.h). Resumable after a kill (--resume).
//
// RUN (one line):
//   tools/bazel run //algorithms/nasbench:generate --
//     --output_dir=/tmp/nasbench_table --code_version=$(git rev-parse HEAD)
#include <gflags/gflags.h>

#include "algorithms/nasbench/table_job.h"
#include "nas/jobs/job_main.h"

DEFINE_string(trial_command, "", "Trial program (default: the :trial binary next to this one).");
DEFINE_string(code_version, "", "Recorded in the table's header (e.g. the git commit).");

int main(int argc, char** argv) {
  nas::JobMain<nas::nasbench::TableConfig> job;
  job.usage =
      "Generates the nasbench_cell benchmark table: every architecture trained with the protocol, "
      "seeds times, and its training cost measured alone; resumable.";
  job.output_dir = "nasbench_table";
  job.data_flags = false;
  job.from_json = &nas::nasbench::TableConfigFromJson;
  job.to_json = &nas::nasbench::TableConfigToJson;
  job.run = [](const nas::nasbench::TableConfig& config, const nas::JobArgs& args) -> absl::Status {
    nas::nasbench::TableJobOptions options;
    options.output_dir = args.output_dir;
    options.resume = args.resume;
    options.trial_command = FLAGS_trial_command;
    options.code_version = FLAGS_code_version;
    return nas::nasbench::RunTableJob(config, options).status();
  };
  return job.main(argc, argv);
}
