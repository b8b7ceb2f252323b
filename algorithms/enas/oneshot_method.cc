// "enas", registered as a one-shot method (nas/jobs/oneshot_method.h): ENAS
// (Pham et al., ICML 2018) on any space: shared weights trained on paths the
// LSTM controller samples, the controller trained by REINFORCE on
// validation accuracy (EnasTrainer), and the authors' derivation: the best
// of `export_samples` controller samples on the same validation batches.
//
//   options: {"optimizer": {...EnasTrainerOptions...},
//             "export_samples": 20, "export_batches": 4}
//
// Defaults: EnasTrainerOptions' (the authors'), with 20 controller steps per
// epoch (a 216-architecture space needs fewer than a macro space's).
#include "nas/jobs/oneshot_method.h"
#include "algorithms/enas/search_job.h"
#include "nas/base/status.h"

namespace nas::enas {
namespace {

absl::StatusOr<OneShotResult> SearchEnas(const OneShotRequest& r) {
  EnasConfig config;
  config.space = r.space;
  config.space_options = r.space_options;
  config.data = r.data;
  config.seed = r.seed;
  config.search.enas = EnasTrainerOptions();
  config.search.enas.controller_steps = 20;
  config.search.export_samples = 20;
  config.search.random_samples = 0;
  config.search.export_batches = 4;
  JsonObjectReader reader(r.options, "enas options");
  reader.Optional("export_samples", &config.search.export_samples)
      .Optional("export_batches", &config.search.export_batches);
  const Json* optimizer_json = reader.Member("optimizer");
  NAS_RETURN_IF_ERROR(reader.Finish());
  if (optimizer_json != nullptr) {
    NAS_RETURN_IF_ERROR(
        EnasTrainerOptionsFromJson(*optimizer_json, "enas options.optimizer", &config.search.enas));
  }
  if (config.search.export_samples < 1 || config.search.export_batches < 0) {
    return absl::InvalidArgumentError(
        "enas options: export_samples must be >= 1 and export_batches >= 0");
  }
  config.search.enas.mutator.seed = r.seed;
  SupernetJobOptions job = OneShotJobOptions(r);
  config.search.trainer = job.trainer;
  NAS_ASSIGN_OR_RETURN(SearchResult searched, RunSearchJob(config, job, r.output_dir, false));
  OneShotResult result;
  result.architecture = searched.exported.best.architecture;
  NAS_ASSIGN_OR_RETURN(result.score, MakeSupernetScorer(searched.job, r.scoring));
  result.details = SearchResultToJson(searched);
  return result;
}

}  // namespace
}  // namespace nas::enas

NAS_REGISTER(nas::OneShotMethodRegistry(), "enas",
             (nas::OneShotMethod{"ENAS: shared weights, LSTM controller trained by REINFORCE",
                                 &nas::enas::SearchEnas}));
