// DARTS retraining: the evaluation network fixed to an architecture file,
// trained from scratch; prints the parameter count and the test accuracy.
// The common flags are nas/jobs/job_main.h's, --epochs and the other
// trainer flags setting retrain.trainer.
//
// RUN: tools/bazel run //algorithms/darts:retrain -- --architecture=darts/search/architecture.json
#include <gflags/gflags.h>

#include "algorithms/darts/config.h"
#include "algorithms/darts/retrain_job.h"
#include "nas/base/file.h"
#include "nas/base/status.h"
#include "nas/core/architecture.h"
#include "nas/jobs/export_flag.h"
#include "nas/jobs/job_main.h"

DEFINE_string(architecture, "",
              "Architecture file (:search's architecture.json, or an NNI DARTS file).");

int main(int argc, char** argv) {
  using nas::darts::DartsConfig;
  nas::JobMain<DartsConfig> job;
  job.usage = "DARTS: retrains the evaluation network of a found cell from scratch.";
  job.output_dir = "darts/retrain";
  job.trainer_path = "retrain.trainer";
  job.from_json = &nas::darts::DartsConfigFromJson;
  job.to_json = &nas::darts::DartsConfigToJson;
  job.run = [](const DartsConfig& config, const nas::JobArgs& args) -> absl::Status {
    if (FLAGS_architecture.empty()) return absl::InvalidArgumentError("--architecture is required");
    NAS_ASSIGN_OR_RETURN(nas::Architecture architecture,
                         nas::ReadArchitecture(nas::ResolveUserPath(FLAGS_architecture)));
    return nas::darts::RunRetrainJob(config, architecture, args.output_dir, args.resume,
                                     nas::ExportRequested())
        .status();
  };
  return job.main(argc, argv);
}
