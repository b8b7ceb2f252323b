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

// Phase 1's trainer and loaders, kept for phase 2.
class ScaffoldExampleSearch : public SupernetSearch {
 public:
  ScaffoldExampleSearch(SupernetInputs& in, ScaffoldExampleTrainerOptions options)
      : space_(in.space),
        train_(TrainLoader(in.data.train, in.data_options, in.seed, in.rank(), in.world_size())),
        valid_(EvalLoader(in.data.valid, in.data_options)),
        trainer_(in.trainer, options, in.space, train_.get(), valid_.get(), in.distributed) {}

  Trainer& trainer() override { return trainer_; }

  // Phase 2, on rank 0.
  absl::StatusOr<SearchSummary> search(const SupernetSearchOptions& options, const std::string& dir,
                                       bool resume, uint64_t seed) {
    return SearchOnSupernet(options, space_, trainer_.mutator(), train_.get(), valid_.get(), dir,
                            resume, seed);
  }

 private:
  BuiltSpace space_;
  std::unique_ptr<datasets::DataLoader> train_, valid_;
  ScaffoldExampleTrainer trainer_;
};

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
  SearchSummary summary;
  NAS_RETURN_IF_ERROR(
      RunSupernetJob(
          config.job, SupernetConfigToJson(SearchConfigSchema(), config), output_dir, resume,
          [&](SupernetInputs& in) -> absl::StatusOr<std::unique_ptr<SupernetSearch>> {
            return std::make_unique<ScaffoldExampleSearch>(in, options);
          },
          [&](SupernetSearch& trained) -> absl::Status {
            if (!trained.trainer().is_main() || output_dir.empty()) return absl::OkStatus();
            NAS_ASSIGN_OR_RETURN(
                summary, static_cast<ScaffoldExampleSearch&>(trained).search(
                             config.algorithm.search, JoinPath(output_dir, "search"), resume,
                             config.job.seed));
            return absl::OkStatus();
          })
          .status());
  return summary;
}

}  // namespace nas::scaffold_example
