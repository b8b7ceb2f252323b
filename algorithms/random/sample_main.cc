// Samples random architectures of a registered space and writes them as
// architecture files (arch_000.json, ...), with the search space and the
// resolved configuration.
//
// RUN: tools/bazel run //algorithms/random:sample -- --num_samples=3 --output_dir=out
#include <gflags/gflags.h>

#include "algorithms/random/sample_job.h"
#include "nas/jobs/job_main.h"

DEFINE_int32(num_samples, 5, "Number of architectures to sample.");

int main(int argc, char** argv) {
  nas::JobMain<nas::random::SampleOptions> job;
  job.usage =
      "Samples random architectures of a registered space and writes them as architecture files "
      "(arch_000.json, ...), with the search space and the resolved configuration.";
  job.output_dir = "random_sample";
  job.resumable = false;
  job.data_flags = false;
  job.space_flags = true;
  job.flags = {{"num_samples", "num_samples"}};
  job.from_json = &nas::random::SampleOptionsFromJson;
  job.to_json = &nas::random::SampleOptionsToJson;
  job.run = [](const nas::random::SampleOptions& o, const nas::JobArgs& args) {
    return nas::random::RunSampleJob(o, args.output_dir);
  };
  return job.main(argc, argv);
}
