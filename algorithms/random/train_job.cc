#include "algorithms/random/train_job.h"

#include <memory>

namespace nas::random {
namespace {

TrainConfig DefaultConfig() {
  TrainConfig c;
  c.job.space = "small_cnn";
  c.job.trainer.epochs = 5;
  return c;
}

class RandomSearch : public SupernetSearch {
 public:
  RandomSearch(SupernetInputs& in, RandomTrainerOptions options)
      : train_(TrainLoader(in.data.train, in.data_options, in.seed, in.rank(), in.world_size())),
        valid_(EvalLoader(in.data.valid, in.data_options, in.rank(), in.world_size())),
        trainer_(in.trainer, options, in.space, train_.get(), valid_.get(), in.distributed) {}

  Trainer& trainer() override { return trainer_; }
  std::optional<Architecture> exported() override {
    return trainer_.mutator().export_architecture();
  }

 private:
  std::unique_ptr<datasets::DataLoader> train_, valid_;
  RandomTrainer trainer_;
};

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
                        resume,
                        [&](SupernetInputs& in) -> absl::StatusOr<std::unique_ptr<SupernetSearch>> {
                          return std::make_unique<RandomSearch>(in, options);
                        });
}

}  // namespace nas::random
