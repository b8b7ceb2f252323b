// DARTS search: first order by default, second order with --unrolled; the
// common flags (--config, --preset, --set, --seed, --epochs, --dataset,
// --resume, --print_config, ...) are nas/jobs/job_main.h's, --epochs and
// the other trainer flags setting search.trainer.
//
// RUN: tools/bazel run //algorithms/darts:search -- --output_dir=darts/search
#include <gflags/gflags.h>

#include "algorithms/darts/config.h"
#include "algorithms/darts/search_job.h"
#include "nas/jobs/job_main.h"

DEFINE_bool(unrolled, false,
            "Second-order DARTS (sets search.darts.unrolled; default: the configuration's).");

int main(int argc, char** argv) {
  using nas::darts::DartsConfig;
  nas::JobMain<DartsConfig> job;
  job.usage = "DARTS: differentiable architecture search of a cell (first or second order).";
  job.output_dir = "darts/search";
  job.trainer_path = "search.trainer";
  job.from_json = &nas::darts::DartsConfigFromJson;
  job.to_json = &nas::darts::DartsConfigToJson;
  job.flags = {{"unrolled", "search.darts.unrolled"}};
  job.run = [](const DartsConfig& config, const nas::JobArgs& args) {
    return nas::darts::RunSearchJob(config, args.output_dir, args.resume).status();
  };
  return job.main(argc, argv);
}
