// SPOS and its two fixes, registered as one-shot methods (nas/jobs/
// oneshot_method.h), each on any space:
//
//   * "spos": Single Path One-Shot (Guo et al., ECCV 2020): a supernet
//     trained on one uniformly sampled path per step (SposTrainer), then the
//     authors' evolution (the spos_evolution tuner, nas/tuners) over
//     architectures scored on it with BN statistics re-estimated; the best
//     architecture the evolution saw is the result (TrainThenSearch);
//   * "fairnas": the same with FairNAS's strict fairness (Chu et al., ICCV
//     2021): every step trains a group of m paths that puts each candidate
//     of every layer choice on exactly one, one update from the summed
//     gradients (m times a SPOS step's work for the same epochs);
//   * "few_shot_spos": few-shot supernets (Zhao et al., ICML 2021) split
//     from the SPOS supernet on one layer choice (few_shot.h).
//
//   options: {"optimizer": {...SposTrainerOptions...},
//             "search": {...SupernetSearchOptions...},
//             "few_shot": {...FewShotOptions...}}   (few_shot_spos only)
//
// Defaults for small spaces (NAS-Bench-201's shared recipe for weight-
// sharing methods rather than the ImageNet one): SGD lr 0.1 with momentum
// 0.9, weight decay 5e-4, no label smoothing; an evolution of 4 generations
// of 16 (top 4, 8 mutations, 8 crossovers: at most 64 architectures
// scored), 4 recalibration and 8 scoring batches per architecture.
#include "nas/jobs/oneshot_method.h"
#include "algorithms/spos/few_shot.h"
#include "algorithms/spos/spos_trainer.h"
#include "nas/base/status.h"

namespace nas::spos {
namespace {

struct SposMethodOptions {
  SposTrainerOptions optimizer;
  SupernetSearchOptions search;
  FewShotOptions few_shot;
};

// The request's options over the small-space defaults, `sampling` the
// method's default sampling; `few_shot` members only where `with_few_shot`.
absl::StatusOr<SposMethodOptions> MethodOptions(const OneShotRequest& r, const std::string& method,
                                                const std::string& sampling, bool with_few_shot) {
  SposMethodOptions o;
  o.optimizer.lr = 0.1;
  o.optimizer.weight_decay = 5e-4;
  o.optimizer.label_smoothing = 0;
  o.optimizer.sampling.sampling = sampling;
  o.search.tuner = "spos_evolution";
  o.search.tuner_options = {{"population_size", 16},
                            {"generations", 4},
                            {"top_k", 4},
                            {"mutations", 8},
                            {"crossovers", 8}};
  o.search.max_trials = 64;
  o.search.evaluation.recalibration_batches = 4;
  o.search.evaluation.eval_batches = 8;
  const std::string path = method + " options";
  JsonObjectReader reader(r.options, path);
  const Json* optimizer_json = reader.Member("optimizer");
  const Json* search_json = reader.Member("search");
  const Json* few_shot_json = with_few_shot ? reader.Member("few_shot") : nullptr;
  NAS_RETURN_IF_ERROR(reader.Finish());
  if (optimizer_json != nullptr) {
    NAS_RETURN_IF_ERROR(SposTrainerOptionsFromJson(*optimizer_json,
                                                   JsonChildPath(path, "optimizer"), &o.optimizer));
  }
  if (search_json != nullptr) {
    NAS_RETURN_IF_ERROR(
        SupernetSearchOptionsFromJson(*search_json, JsonChildPath(path, "search"), &o.search));
  }
  if (few_shot_json != nullptr) {
    NAS_RETURN_IF_ERROR(
        FewShotOptionsFromJson(*few_shot_json, JsonChildPath(path, "few_shot"), &o.few_shot));
  }
  o.optimizer.seed = r.seed;
  return o;
}

absl::StatusOr<OneShotResult> SearchSpos(const OneShotRequest& r) {
  NAS_ASSIGN_OR_RETURN(SposMethodOptions o, MethodOptions(r, "spos", "uniform", false));
  return TrainThenSearch<SposTrainer>(r, "spos", o.optimizer, o.search);
}

absl::StatusOr<OneShotResult> SearchFairNas(const OneShotRequest& r) {
  NAS_ASSIGN_OR_RETURN(SposMethodOptions o, MethodOptions(r, "fairnas", "strict_fair", false));
  return TrainThenSearch<SposTrainer>(r, "fairnas", o.optimizer, o.search);
}

absl::StatusOr<OneShotResult> SearchFewShotSpos(const OneShotRequest& r) {
  NAS_ASSIGN_OR_RETURN(SposMethodOptions o, MethodOptions(r, "few_shot_spos", "uniform", true));
  return FewShotSearch(r, o.optimizer, o.search, o.few_shot);
}

}  // namespace
}  // namespace nas::spos

NAS_REGISTER(nas::OneShotMethodRegistry(), "spos",
             (nas::OneShotMethod{"SPOS: uniform single-path supernet, then evolution on it",
                                 &nas::spos::SearchSpos}));
NAS_REGISTER(nas::OneShotMethodRegistry(), "fairnas",
             (nas::OneShotMethod{"FairNAS: SPOS with strictly fair paths (every candidate once "
                                 "per step), then evolution",
                                 &nas::spos::SearchFairNas, "spos"}));
NAS_REGISTER(nas::OneShotMethodRegistry(), "few_shot_spos",
             (nas::OneShotMethod{"few-shot SPOS: the SPOS supernet split on one layer choice "
                                 "into fine-tuned sub-supernets, then evolution",
                                 &nas::spos::SearchFewShotSpos, "spos"}));
