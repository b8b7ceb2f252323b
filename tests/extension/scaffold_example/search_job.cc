#include "tests/extension/scaffold_example/search_job.h"

#include <memory>

#include "nas/base/file.h"
#include "nas/base/status.h"

namespace nas::scaffold_example {
namespace {

SearchConfig DefaultConfig() {
  SearchConfig c;
  c.job.space = "scaffold_example_net";
  c.job.trainer.epochs = 5;
  c.algorithm.search.tuner = "scaffold_example";
  c.algorithm.search.evaluation.recalibration_batches = 20;
  c.algorithm.search.evaluation.eval_batches = 10;
  return c;
}

}  // namespace

absl::Status ScaffoldExampleOptionsFromJson(const Json& j, const std::string& path,
                                            ScaffoldExampleOptions* out) {
  JsonObjectReader r(j, path);
  const Json* optimizer = r.Member("optimizer");
  const Json* search = r.Member("search");
  NAS_RETURN_IF_ERROR(r.Finish());
  if (optimizer != nullptr) {
    NAS_RETURN_IF_ERROR(ScaffoldExampleTrainerOptionsFromJson(
        *optimizer, JsonChildPath(path, "optimizer"), &out->optimizer));
  }
  if (search != nullptr) {
    NAS_RETURN_IF_ERROR(
        SupernetSearchOptionsFromJson(*search, JsonChildPath(path, "search"), &out->search));
  }
  return absl::OkStatus();
}

Json ScaffoldExampleOptionsToJson(const ScaffoldExampleOptions& o) {
  return {{"optimizer", ScaffoldExampleTrainerOptionsToJson(o.optimizer)},
          {"search", SupernetSearchOptionsToJson(o.search)}};
}

const SupernetConfigSchema<ScaffoldExampleOptions>& SearchConfigSchema() {
  static const auto* schema =
      new SupernetConfigSchema<ScaffoldExampleOptions>{"scaffold_example",
                                                       &ScaffoldExampleOptionsFromJson,
                                                       &ScaffoldExampleOptionsToJson,
                                                       {{"default", &DefaultConfig}}};
  return *schema;
}

absl::StatusOr<SearchSummary> RunSearchJob(const SearchConfig& config,
                                           const std::string& output_dir, bool resume) {
  // A bad tuner name or options fail before any training.
  NAS_RETURN_IF_ERROR(CheckSupernetSearchTuner(config.algorithm.search));
  ScaffoldExampleTrainerOptions options = config.algorithm.optimizer;
  options.seed = config.job.seed;
  using Search = BasicSupernetSearch<ScaffoldExampleTrainer, ScaffoldExampleTrainerOptions>;
  SearchSummary summary;
  // Phase 2 on rank 0, with phase 1's trained supernet, mutator and loaders.
  auto search_on_supernet = [&](SupernetSearch& trained) -> absl::Status {
    if (!trained.trainer().is_main() || output_dir.empty()) return absl::OkStatus();
    auto& phase1 = static_cast<Search&>(trained);
    NAS_ASSIGN_OR_RETURN(summary,
                         SearchOnSupernet(config.algorithm.search, phase1.space(),
                                          phase1.algorithm_trainer().mutator(), phase1.train_loader(),
                                          phase1.valid_loader(), JoinPath(output_dir, "search"),
                                          resume, config.job.seed));
    return absl::OkStatus();
  };
  NAS_RETURN_IF_ERROR(RunSupernetJob(config.job, SupernetConfigToJson(SearchConfigSchema(), config),
                                     output_dir, resume,
                                     BasicSupernetFactory<ScaffoldExampleTrainer>(options),
                                     search_on_supernet)
                          .status());
  return summary;
}

}  // namespace nas::scaffold_example
