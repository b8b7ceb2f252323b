#include "algorithms/gumbel/search_job.h"

#include <memory>

#include "nas/base/file.h"
#include "nas/base/status.h"
#include "nas/jobs/job_latency_table.h"

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
  return RunSupernetJob(
      config.job, SupernetConfigToJson(SearchConfigSchema(), config), output_dir, resume,
      [&](SupernetInputs& in) -> absl::StatusOr<std::unique_ptr<SupernetSearch>> {
        auto search = std::make_unique<GumbelSearch>(in, options);
        if (options.latency.active()) {
          NAS_ASSIGN_OR_RETURN(
              std::shared_ptr<const LatencyTable> table,
              JobLatencyTable(config.job.space, config.job.space_options, options.latency,
                              config.job.seed, output_dir, in.world_size()));
          search->algorithm_trainer().set_latency_table(std::move(table));
        }
        return search;
      });
}

}  // namespace nas::gumbel
