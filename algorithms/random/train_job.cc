#include "algorithms/random/train_job.h"

namespace nas::random {
namespace {

TrainConfig DefaultConfig() {
  TrainConfig c;
  c.job.space = "small_cnn";
  c.job.trainer.epochs = 5;
  return c;
}

}  // namespace

const SupernetConfigSchema<RandomTrainerOptions>& TrainConfigSchema() {
  static const auto* schema =
      new SupernetConfigSchema<RandomTrainerOptions>{"optimizer",
                                                     &RandomTrainerOptionsFromJson,
                                                     &RandomTrainerOptionsToJson,
                                                     {{"default", &DefaultConfig}}};
  return *schema;
}

absl::StatusOr<SupernetJobResult> RunTrainJob(const TrainConfig& config,
                                              const std::string& output_dir, bool resume) {
  RandomTrainerOptions options = config.algorithm;
  options.seed = config.job.seed;
  return RunSupernetJob(config.job, SupernetConfigToJson(TrainConfigSchema(), config), output_dir,
                        resume, BasicSupernetFactory<RandomTrainer>(options));
}

}  // namespace nas::random
