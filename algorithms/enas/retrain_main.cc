// Retrains an ENAS architecture from scratch and reports its test accuracy
// (the "retrain" section of the configuration, algorithms/enas/config.h).
//
// RUN: tools/bazel run //algorithms/enas:retrain --
// --architecture=$PWD/enas/search/best_architecture.json --output_dir=enas/retrain
#include <cstdio>

#include <gflags/gflags.h>

#include "algorithms/enas/config.h"
#include "algorithms/enas/retrain_job.h"
#include "nas/base/file.h"
#include "nas/base/status.h"
#include "nas/core/architecture.h"
#include "nas/jobs/export_flag.h"
#include "nas/jobs/job_main.h"

DEFINE_string(architecture, "", "Architecture file (from :search, or NNI's format).");

int main(int argc, char** argv) {
  using Config = nas::enas::EnasConfig;
  nas::JobMain<Config> job;
  job.usage = "Retrains an ENAS architecture from scratch and reports its test accuracy.";
  job.output_dir = "enas/retrain";
  job.space_flags = true;
  job.trainer_path = "retrain.trainer";
  job.from_json = &nas::enas::EnasConfigFromJson;
  job.to_json = &nas::enas::EnasConfigToJson;
  job.run = [](const Config& config, const nas::JobArgs& args) -> absl::Status {
    if (FLAGS_architecture.empty()) return absl::InvalidArgumentError("--architecture is required");
    NAS_ASSIGN_OR_RETURN(nas::Architecture arch,
                         nas::ReadArchitecture(nas::ResolveUserPath(FLAGS_architecture)));
    NAS_ASSIGN_OR_RETURN(nas::RetrainJobResult result,
                         nas::enas::RunRetrainJob(config, arch, args.output_dir, args.resume,
                                                  nas::ExportRequested()));
    printf("%s\n", nas::RetrainJobResultToJson(result).dump(2).c_str());
    return absl::OkStatus();
  };
  return job.main(argc, argv);
}
