// SPOS phase 3: retrains one architecture from scratch and reports its test
// accuracy.
//
// RUN: tools/bazel run //algorithms/spos:retrain --
// --architecture=$PWD/spos/evolution/best_architecture.json --output_dir=spos/retrain
#include <cstdio>

#include <gflags/gflags.h>

#include "algorithms/spos/config.h"
#include "algorithms/spos/retrain_job.h"
#include "nas/base/file.h"
#include "nas/jobs/export_flag.h"
#include "nas/jobs/job_main.h"

DEFINE_string(architecture, "", "Architecture file (ours or NNI's SPOS format).");
DEFINE_string(inherit, "", "Start from this supernet.pt's weights instead of from scratch.");

int main(int argc, char** argv) {
  nas::JobMain<nas::spos::SposConfig> job;
  job.usage = "SPOS phase 3: retrains an architecture and reports its test accuracy.";
  job.output_dir = "spos/retrain";
  job.trainer_path = "retrain.trainer";
  job.from_json = &nas::spos::SposConfigFromJson;
  job.to_json = &nas::spos::SposConfigToJson;
  job.run = [](const nas::spos::SposConfig& config, const nas::JobArgs& args) -> absl::Status {
    if (FLAGS_architecture.empty()) return absl::InvalidArgumentError("--architecture is required");
    NAS_ASSIGN_OR_RETURN(nas::Architecture arch,
                         nas::ReadArchitecture(nas::ResolveUserPath(FLAGS_architecture)));
    NAS_ASSIGN_OR_RETURN(
        nas::spos::RetrainResult result,
        nas::spos::RunRetrainJob(config, arch, args.output_dir, args.resume,
                                 FLAGS_inherit.empty() ? "" : nas::ResolveUserPath(FLAGS_inherit),
                                 nas::ExportRequested()));
    printf("%s\n", nas::spos::RetrainResultToJson(result).dump(2).c_str());
    return absl::OkStatus();
  };
  return job.main(argc, argv);
}
