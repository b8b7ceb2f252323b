// SPOS phase 2: evolutionary search on a trained supernet.
//
// RUN: tools/bazel run //algorithms/spos:evolution -- --supernet=$PWD/spos/supernet/supernet.pt
// --output_dir=spos/evolution
#include <gflags/gflags.h>

#include "algorithms/spos/config.h"
#include "algorithms/spos/evolution_job.h"
#include "nas/base/file.h"
#include "nas/jobs/job_main.h"

DEFINE_string(supernet, "spos/supernet/supernet.pt", "The trained supernet (from :supernet).");
DEFINE_double(flops_limit, 0,
              "FLOPs (multiply-adds) limit; 0 = none (default: the configuration's).");
DEFINE_double(latency_limit_ms, 0,
              "Latency limit in ms, predicted by a latency table measured on this machine at "
              "evolution.latency_batch; 0 = none (default: the configuration's).");

int main(int argc, char** argv) {
  nas::JobMain<nas::spos::SposConfig> job;
  job.usage = "SPOS phase 2: evolutionary architecture search on a trained supernet.";
  job.output_dir = "spos/evolution";
  job.flags = {{"flops_limit", "evolution.flops_limit"},
               {"latency_limit_ms", "evolution.latency_limit_ms"}};
  job.from_json = &nas::spos::SposConfigFromJson;
  job.to_json = &nas::spos::SposConfigToJson;
  job.run = [](const nas::spos::SposConfig& config, const nas::JobArgs& args) {
    return nas::spos::RunEvolutionJob(config, nas::ResolveUserPath(FLAGS_supernet), args.output_dir,
                                      args.resume)
        .status();
  };
  return job.main(argc, argv);
}
