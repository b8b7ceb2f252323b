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

// The basic search, plus the probabilities of the learned logits.
class GumbelSearch : public BasicSupernetSearch<GumbelTrainer, GumbelTrainerOptions> {
 public:
  using BasicSupernetSearch::BasicSupernetSearch;
  absl::Status write_results(const std::string& dir) override {
    return WriteJsonFile(JoinPath(dir, "probabilities.json"),
                         algorithm_trainer().mutator().probabilities());
  }
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
