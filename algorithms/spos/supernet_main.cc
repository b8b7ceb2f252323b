// SPOS phase 1: trains the one-shot supernet with single random paths.
//
// RUN: tools/bazel run //algorithms/spos:supernet -- --output_dir=spos/supernet
#include "algorithms/spos/config.h"
#include "algorithms/spos/supernet_job.h"
#include "nas/jobs/job_main.h"

int main(int argc, char** argv) {
  nas::JobMain<nas::spos::SposConfig> job;
  job.usage = "SPOS phase 1: trains the one-shot supernet with single random paths.";
  job.output_dir = "spos/supernet";
  job.trainer_path = "supernet.trainer";
  job.from_json = &nas::spos::SposConfigFromJson;
  job.to_json = &nas::spos::SposConfigToJson;
  job.run = [](const nas::spos::SposConfig& config, const nas::JobArgs& args) {
    return nas::spos::RunSupernetJob(config, args.output_dir, args.resume).status();
  };
  return job.main(argc, argv);
}
