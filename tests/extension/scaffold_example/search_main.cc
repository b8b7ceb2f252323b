// The scaffold_example package's search: trains a supernet, then the "scaffold_example"
// tuner searches it (search_job.h).
//
// RUN: tools/bazel run //tests/extension/scaffold_example:search -- --dataset=synthetic --epochs=1
// --output_dir=runs/scaffold_example
#include <gflags/gflags.h>

#include "nas/jobs/job_main.h"
#include "tests/extension/scaffold_example/search_job.h"

DEFINE_int64(max_trials, 20, "Architectures the tuner proposes (default: the configuration's).");
DEFINE_string(tuner_options, "{}", "Options of the scaffold_example tuner, as a JSON object.");

int main(int argc, char** argv) {
  using Config = nas::scaffold_example::SearchConfig;
  nas::JobMain<Config> job;
  job.usage =
      "scaffold_example: trains a supernet of a registered space, then the scaffold_example tuner "
      "searches it; "
      "resumable, data-parallel under tools/launch, torchrun or srun.";
  job.output_dir = "scaffold_example_search";
  job.space_flags = true;
  job.trainer_path = "trainer";
  job.flags = {{"max_trials", "scaffold_example.search.max_trials"},
               {"tuner_options", "scaffold_example.search.tuner_options", /*json=*/true}};
  // A finished search resumed with a larger --max_trials continues.
  job.resume_may_change = {"scaffold_example.search.max_trials"};
  job.from_json = [](const nas::Json& j, const std::string& source) {
    return nas::SupernetConfigFromJson(nas::scaffold_example::SearchConfigSchema(), j, source);
  };
  job.to_json = [](const Config& c) {
    return nas::SupernetConfigToJson(nas::scaffold_example::SearchConfigSchema(), c);
  };
  job.run = [](const Config& c, const nas::JobArgs& args) {
    return nas::scaffold_example::RunSearchJob(c, args.output_dir, args.resume).status();
  };
  return job.main(argc, argv);
}
