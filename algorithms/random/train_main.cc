// Trains a supernet of a registered space with uniformly random paths
// (random search with weight sharing); resumable, data-parallel under
// //tools:launch, torchrun or srun.
//
// RUN: tools/bazel run //algorithms/random:train -- --epochs=2 --output_dir=runs/random
#include "algorithms/random/train_job.h"
#include "nas/jobs/job_main.h"

int main(int argc, char** argv) {
  using Config = nas::random::TrainConfig;
  nas::JobMain<Config> job;
  job.usage =
      "Trains a supernet of a registered space with uniformly random paths (random search with "
      "weight "
      "sharing); resumable, data-parallel under tools/launch, torchrun or srun.";
  job.output_dir = "random_train";
  job.space_flags = true;
  job.trainer_path = "trainer";
  job.from_json = [](const nas::Json& j, const std::string& source) {
    return nas::SupernetConfigFromJson(nas::random::TrainConfigSchema(), j, source);
  };
  job.to_json = [](const Config& c) {
    return nas::SupernetConfigToJson(nas::random::TrainConfigSchema(), c);
  };
  job.run = [](const Config& c, const nas::JobArgs& args) {
    return nas::random::RunTrainJob(c, args.output_dir, args.resume).status();
  };
  return job.main(argc, argv);
}
