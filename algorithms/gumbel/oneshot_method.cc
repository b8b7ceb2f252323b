// "gumbel", registered as a one-shot method (nas/jobs/oneshot_method.h):
// Gumbel-softmax sampling (SNAS / GDAS style) on any space: weights and
// architecture logits trained jointly from the training loss with an
// annealed temperature (GumbelTrainer); the result is the logits' argmax.
//
//   options: {"optimizer": {...GumbelTrainerOptions...}}
#include "nas/jobs/oneshot_method.h"
#include "algorithms/gumbel/search_job.h"
#include "nas/base/status.h"

namespace nas::gumbel {
namespace {

absl::StatusOr<OneShotResult> SearchGumbel(const OneShotRequest& r) {
  SearchConfig config;
  config.job = OneShotJobOptions(r);
  config.job.architecture_file = "architecture.json";
  JsonObjectReader reader(r.options, "gumbel options");
  const Json* optimizer_json = reader.Member("optimizer");
  NAS_RETURN_IF_ERROR(reader.Finish());
  if (optimizer_json != nullptr) {
    NAS_RETURN_IF_ERROR(GumbelTrainerOptionsFromJson(*optimizer_json, "gumbel options.optimizer",
                                                     &config.algorithm));
  }
  config.job.seed = r.seed;
  NAS_ASSIGN_OR_RETURN(SupernetJobResult trained, RunSearchJob(config, r.output_dir, false));
  if (!trained.architecture.has_value()) return absl::InternalError("gumbel: no export");
  OneShotResult result;
  result.architecture = *trained.architecture;
  NAS_ASSIGN_OR_RETURN(result.score, MakeSupernetScorer(trained, r.scoring));
  result.details = {{"supernet_seconds", trained.seconds}};
  return result;
}

}  // namespace
}  // namespace nas::gumbel

NAS_REGISTER(nas::OneShotMethodRegistry(), "gumbel",
             (nas::OneShotMethod{"Gumbel-softmax (SNAS/GDAS style) joint training, argmax export",
                                 &nas::gumbel::SearchGumbel}));
