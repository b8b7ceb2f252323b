// "gumbel", registered as a one-shot method (nas/jobs/oneshot_method.h):
// Gumbel-softmax sampling (SNAS / GDAS style) on any space: weights and
// architecture logits trained jointly from the training loss with an
// annealed temperature (GumbelTrainer); the result is the logits' argmax.
//
// "gdas": GDAS (Dong & Yang, CVPR 2019) on the same trainer: bilevel (the
// logits on data.valid, the weights on data.train), hard sampling, the
// temperature 10 -> 0.1 linearly, the paper's optimizers (SGD 0.025 cosine
// to 0.001, weight decay 3e-4; Adam 3e-4, weight decay 1e-3).
//
//   options: {"optimizer": {...GumbelTrainerOptions...}}
#include "nas/jobs/oneshot_method.h"
#include "algorithms/gumbel/search_job.h"
#include "nas/base/status.h"

namespace nas::gumbel {
namespace {

absl::StatusOr<OneShotResult> Search(const OneShotRequest& r, const std::string& name,
                                     GumbelTrainerOptions defaults) {
  SearchConfig config;
  config.job = OneShotJobOptions(r);
  config.job.architecture_file = "architecture.json";
  config.algorithm = std::move(defaults);
  JsonObjectReader reader(r.options, name + " options");
  const Json* optimizer_json = reader.Member("optimizer");
  NAS_RETURN_IF_ERROR(reader.Finish());
  if (optimizer_json != nullptr) {
    NAS_RETURN_IF_ERROR(GumbelTrainerOptionsFromJson(*optimizer_json, name + " options.optimizer",
                                                     &config.algorithm));
  }
  config.job.seed = r.seed;
  NAS_ASSIGN_OR_RETURN(SupernetJobResult trained, RunSearchJob(config, r.output_dir, false));
  if (!trained.architecture.has_value()) return absl::InternalError(name + ": no export");
  OneShotResult result;
  result.architecture = *trained.architecture;
  NAS_ASSIGN_OR_RETURN(result.score, MakeSupernetScorer(trained, r.scoring));
  result.details = {{"supernet_seconds", trained.seconds}};
  return result;
}

absl::StatusOr<OneShotResult> SearchGumbel(const OneShotRequest& r) {
  return Search(r, "gumbel", GumbelTrainerOptions());
}

absl::StatusOr<OneShotResult> SearchGdas(const OneShotRequest& r) {
  GumbelTrainerOptions gdas;
  gdas.bilevel = true;
  gdas.mode = "hard";
  gdas.tau_schedule = "linear";
  gdas.tau_start = 10;
  gdas.tau_end = 0.1;
  gdas.lr = 0.025;
  gdas.min_lr = 0.001;
  gdas.weight_decay = 3e-4;
  gdas.arch_lr = 3e-4;
  gdas.arch_weight_decay = 1e-3;
  return Search(r, "gdas", gdas);
}

}  // namespace
}  // namespace nas::gumbel

NAS_REGISTER(nas::OneShotMethodRegistry(), "gumbel",
             (nas::OneShotMethod{"Gumbel-softmax (SNAS/GDAS style) joint training, argmax export",
                                 &nas::gumbel::SearchGumbel}));
NAS_REGISTER(nas::OneShotMethodRegistry(), "gdas",
             (nas::OneShotMethod{"GDAS: bilevel hard Gumbel sampling (logits on the validation "
                                 "split), argmax export",
                                 &nas::gumbel::SearchGdas, "gumbel"}));
