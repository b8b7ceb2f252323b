// "spos", registered as a one-shot method (nas/jobs/oneshot_method.h):
// Single Path One-Shot (Guo et al., ECCV 2020) on any space: a supernet
// trained on one uniformly sampled path per step (SposTrainer), then the
// authors' evolution (the spos_evolution tuner, nas/tuners) over
// architectures scored on it with BN statistics re-estimated; the best
// architecture the evolution saw is the result (TrainThenSearch).
//
//   options: {"optimizer": {...SposTrainerOptions...},
//             "search": {...SupernetSearchOptions...}}
//
// Defaults for small spaces (NAS-Bench-201's shared recipe for weight-
// sharing methods rather than the ImageNet one): SGD lr 0.1 with momentum
// 0.9, weight decay 5e-4, no label smoothing; an evolution of 4 generations
// of 16 (top 4, 8 mutations, 8 crossovers: at most 64 architectures
// scored), 4 recalibration and 8 scoring batches per architecture.
#include "nas/jobs/oneshot_method.h"
#include "algorithms/spos/spos_trainer.h"
#include "nas/base/status.h"

namespace nas::spos {
namespace {

absl::StatusOr<OneShotResult> SearchSpos(const OneShotRequest& r) {
  SposTrainerOptions optimizer;
  optimizer.lr = 0.1;
  optimizer.weight_decay = 5e-4;
  optimizer.label_smoothing = 0;
  SupernetSearchOptions search;
  search.tuner = "spos_evolution";
  search.tuner_options = {{"population_size", 16},
                          {"generations", 4},
                          {"top_k", 4},
                          {"mutations", 8},
                          {"crossovers", 8}};
  search.max_trials = 64;
  search.evaluation.recalibration_batches = 4;
  search.evaluation.eval_batches = 8;
  JsonObjectReader reader(r.options, "spos options");
  const Json* optimizer_json = reader.Member("optimizer");
  const Json* search_json = reader.Member("search");
  NAS_RETURN_IF_ERROR(reader.Finish());
  if (optimizer_json != nullptr) {
    NAS_RETURN_IF_ERROR(
        SposTrainerOptionsFromJson(*optimizer_json, "spos options.optimizer", &optimizer));
  }
  if (search_json != nullptr) {
    NAS_RETURN_IF_ERROR(
        SupernetSearchOptionsFromJson(*search_json, "spos options.search", &search));
  }
  optimizer.seed = r.seed;
  return TrainThenSearch<SposTrainer>(r, "spos", optimizer, search);
}

}  // namespace
}  // namespace nas::spos

NAS_REGISTER(nas::OneShotMethodRegistry(), "spos",
             (nas::OneShotMethod{"SPOS: uniform single-path supernet, then evolution on it",
                                 &nas::spos::SearchSpos}));
