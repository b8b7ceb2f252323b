#include "algorithms/gumbel/search_job.h"

#include <memory>

#include "nas/base/file.h"

namespace nas::gumbel {
namespace {

SearchConfig DefaultConfig() {
  SearchConfig c;
  c.job.space = "small_cnn";
  c.job.space_options = {{"ops", {"conv3x3", "conv5x5", "maxpool3x3", "identity"}}};
  c.job.trainer.epochs = 5;
  return c;
}

class GumbelSearch : public SupernetSearch {
 public:
  GumbelSearch(SupernetInputs& in, GumbelTrainerOptions options)
      : train_(TrainLoader(in.data.train, in.data_options, in.seed, in.rank(), in.world_size())),
        valid_(EvalLoader(in.data.valid, in.data_options, in.rank(), in.world_size())),
        trainer_(in.trainer, options, in.space, train_.get(), valid_.get(), in.distributed) {}

  Trainer& trainer() override { return trainer_; }
  std::optional<Architecture> exported() override {
    return trainer_.mutator().export_architecture();
  }
  absl::Status write_results(const std::string& dir) override {
    return WriteJsonFile(JoinPath(dir, "probabilities.json"), trainer_.mutator().probabilities());
  }

 private:
  std::unique_ptr<datasets::DataLoader> train_, valid_;
  GumbelTrainer trainer_;
};

}  // namespace

const SupernetConfigSchema<GumbelTrainerOptions>& SearchConfigSchema() {
  static const auto* schema =
      new SupernetConfigSchema<GumbelTrainerOptions>{"optimizer",
                                                     &GumbelTrainerOptionsFromJson,
                                                     &GumbelTrainerOptionsToJson,
                                                     {{"default", &DefaultConfig}}};
  return *schema;
}

absl::StatusOr<SupernetJobResult> RunSearchJob(const SearchConfig& config,
                                               const std::string& output_dir, bool resume) {
  GumbelTrainerOptions options = config.algorithm;
  options.seed = config.job.seed;
  return RunSupernetJob(config.job, SupernetConfigToJson(SearchConfigSchema(), config), output_dir,
                        resume,
                        [&](SupernetInputs& in) -> absl::StatusOr<std::unique_ptr<SupernetSearch>> {
                          return std::make_unique<GumbelSearch>(in, options);
                        });
}

}  // namespace nas::gumbel
