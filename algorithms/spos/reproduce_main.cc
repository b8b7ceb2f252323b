// The whole SPOS pipeline: supernet, evolution, retraining of the best and
// of K random architectures, and a report (report.md, report.json, plots).
//
// RUN: tools/bazel run //algorithms/spos:reproduce -- --output_dir=spos_reproduction
#include "algorithms/spos/config.h"
#include "algorithms/spos/reproduce_job.h"
#include "nas/jobs/job_main.h"

int main(int argc, char** argv) {
  nas::JobMain<nas::spos::SposConfig> job;
  job.usage =
      "Reproduces SPOS end to end: supernet, evolution, retraining, report (fashion_mnist preset: "
      "under 20 "
      "minutes on 2 CPU cores).";
  job.output_dir = "spos_reproduction";
  job.from_json = &nas::spos::SposConfigFromJson;
  job.to_json = &nas::spos::SposConfigToJson;
  job.run = [](const nas::spos::SposConfig& config, const nas::JobArgs& args) {
    return nas::spos::RunReproduceJob(config, args.output_dir, args.resume).status();
  };
  return job.main(argc, argv);
}
