// "darts_v1" and "darts_v2", registered as one-shot methods
// (nas/jobs/oneshot_method.h): DARTS (Liu et al., ICLR 2019) with the
// first-order and the second-order (unrolled) architecture gradient, on any
// space of layer choices: DartsTrainer trains the weights on data.train and
// the alphas on data.valid (DartsSupernetSearch), and the result is the
// DARTS rule's export (the strongest operation other than "none" per
// choice). The supernet's scorer rates any architecture with its one-hot
// path on the trained weights (BN re-estimated), as for the single-path
// methods.
//
//   options: {"optimizer": {...DartsTrainerOptions...}}
//
// Defaults: the paper's (DartsTrainerOptions), unrolled per method.
#include "nas/jobs/oneshot_method.h"
#include "algorithms/darts/search_job.h"
#include "nas/base/status.h"

namespace nas::darts {
namespace {

absl::StatusOr<OneShotResult> SearchDarts(const OneShotRequest& r, bool unrolled) {
  const std::string name = unrolled ? "darts_v2" : "darts_v1";
  DartsTrainerOptions optimizer;
  JsonObjectReader reader(r.options, name + " options");
  const Json* optimizer_json = reader.Member("optimizer");
  NAS_RETURN_IF_ERROR(reader.Finish());
  if (optimizer_json != nullptr) {
    NAS_RETURN_IF_ERROR(
        DartsTrainerOptionsFromJson(*optimizer_json, name + " options.optimizer", &optimizer));
  }
  optimizer.unrolled = unrolled;
  optimizer.seed = r.seed;
  SupernetJobOptions job = OneShotJobOptions(r);
  job.architecture_file = "architecture.json";
  NAS_ASSIGN_OR_RETURN(
      SupernetJobResult trained,
      RunSupernetJob(job, Json{{"method", name}, {"options", r.options}}, r.output_dir, false,
                     [&](SupernetInputs& in) -> absl::StatusOr<std::unique_ptr<SupernetSearch>> {
                       return std::make_unique<DartsSupernetSearch>(in, optimizer);
                     }));
  if (!trained.architecture.has_value()) return absl::InternalError(name + ": no export");
  auto& search = static_cast<DartsSupernetSearch&>(*trained.search);
  OneShotResult result;
  result.architecture = *trained.architecture;
  NAS_ASSIGN_OR_RETURN(result.score, MakeSupernetScorer(trained, r.scoring));
  result.details = {{"param_free_share", search.darts_trainer().parameter_free_share()},
                    {"softmax_alphas", AlphasJson(search.darts_trainer().mutator())},
                    {"supernet_seconds", trained.seconds}};
  return result;
}

absl::StatusOr<OneShotResult> SearchDartsV1(const OneShotRequest& r) {
  return SearchDarts(r, /*unrolled=*/false);
}
absl::StatusOr<OneShotResult> SearchDartsV2(const OneShotRequest& r) {
  return SearchDarts(r, /*unrolled=*/true);
}

}  // namespace
}  // namespace nas::darts

NAS_REGISTER(nas::OneShotMethodRegistry(), "darts_v1",
             (nas::OneShotMethod{"DARTS, first-order architecture gradient",
                                 &nas::darts::SearchDartsV1}));
NAS_REGISTER(nas::OneShotMethodRegistry(), "darts_v2",
             (nas::OneShotMethod{"DARTS, second-order (unrolled) architecture gradient",
                                 &nas::darts::SearchDartsV2}));
