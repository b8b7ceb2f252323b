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
// Two more select by perturbation (DARTS-PT, perturbation.h) instead of the
// largest alpha, on the same supernet training:
//   * "darts_pt": first-order DARTS, then the projection;
//   * "darts_pt_blank": the authors' variant with the alphas frozen uniform
//     (alpha_init_scale 0 and a warm-up as long as the run: the weights
//     train under equal mixing weights, no architecture step at all), then
//     the projection.
//
//   options: {"optimizer": {...DartsTrainerOptions...},
//             "perturbation": {...PerturbationOptions...}}  (the PT methods)
//
// Defaults: the paper's (DartsTrainerOptions), unrolled per method. For the
// projection: fine-tuning of a quarter of the search's steps in all
// (DefaultTuneSteps), at a tenth of w_lr, with the search's momentum,
// weight decay and clipping; 8 validation batches per score.
#include "nas/jobs/oneshot_method.h"

#include <chrono>

#include "algorithms/darts/perturbation.h"
#include "algorithms/darts/search_job.h"
#include "nas/base/file.h"
#include "nas/base/status.h"

namespace nas::darts {
namespace {

enum class Selection { kAlpha, kPerturbation, kPerturbationBlank };

absl::StatusOr<OneShotResult> SearchDarts(const OneShotRequest& r, const std::string& name,
                                          bool unrolled, Selection selection) {
  DartsTrainerOptions optimizer;
  JsonObjectReader reader(r.options, name + " options");
  const Json* optimizer_json = reader.Member("optimizer");
  const Json* perturbation_json =
      selection == Selection::kAlpha ? nullptr : reader.Member("perturbation");
  NAS_RETURN_IF_ERROR(reader.Finish());
  if (optimizer_json != nullptr) {
    NAS_RETURN_IF_ERROR(
        DartsTrainerOptionsFromJson(*optimizer_json, name + " options.optimizer", &optimizer));
  }
  optimizer.unrolled = unrolled;
  optimizer.seed = r.seed;
  if (selection == Selection::kPerturbationBlank) {
    optimizer.alpha_init_scale = 0;
    optimizer.warmup_epochs = r.epochs + 1;  // no architecture step in the whole run
  }
  PerturbationOptions perturbation;
  perturbation.tune_lr = optimizer.w_lr / 10;
  perturbation.momentum = optimizer.w_momentum;
  perturbation.weight_decay = optimizer.w_weight_decay;
  perturbation.grad_clip = optimizer.w_grad_clip;
  perturbation.eval_batches = 8;
  perturbation.seed = r.seed;
  if (perturbation_json != nullptr) {
    NAS_RETURN_IF_ERROR(PerturbationOptionsFromJson(*perturbation_json,
                                                    name + " options.perturbation", &perturbation));
  }
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
  DartsTrainer& trainer = search.darts_trainer();
  OneShotResult result;
  result.architecture = *trained.architecture;
  result.details = {{"param_free_share", trainer.parameter_free_share()},
                    {"softmax_alphas", AlphasJson(trainer.mutator())},
                    {"supernet_seconds", trained.seconds}};
  if (trainer.stopped_at_step() > 0) result.details["early_stop_step"] = trainer.stopped_at_step();
  if (selection != Selection::kAlpha) {
    result.details["alpha_architecture"] = result.architecture.to_json();
    result.details["alpha_param_free_share"] = trainer.parameter_free_share();
    if (perturbation.tune_steps < 0) {
      perturbation.tune_steps =
          DefaultTuneSteps(trainer.global_step(), trainer.mutator().search_space());
    }
    const auto start = std::chrono::steady_clock::now();
    NAS_ASSIGN_OR_RETURN(
        std::vector<EdgeDecision> decisions,
        ProjectByPerturbation(trainer.space(), trainer.mutator(), *search.train_loader(),
                              *search.valid_loader(), perturbation));
    result.architecture = trainer.mutator().export_architecture();
    Json record = Json::array();
    for (const EdgeDecision& d : decisions) record.push_back(d.to_json());
    result.details["perturbation"] = {{"options", PerturbationOptionsToJson(perturbation)},
                                      {"decisions", record}};
    result.details["param_free_share"] = trainer.parameter_free_share();
    result.details["perturbation_seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!r.output_dir.empty()) {
      NAS_RETURN_IF_ERROR(
          WriteArchitecture(JoinPath(r.output_dir, "architecture.json"), result.architecture));
      NAS_RETURN_IF_ERROR(WriteFileAtomically(JoinPath(r.output_dir, "perturbation.json"),
                                              result.details["perturbation"].dump(2) + "\n"));
    }
  }
  NAS_ASSIGN_OR_RETURN(result.score, MakeSupernetScorer(trained, r.scoring));
  return result;
}

absl::StatusOr<OneShotResult> SearchDartsV1(const OneShotRequest& r) {
  return SearchDarts(r, "darts_v1", /*unrolled=*/false, Selection::kAlpha);
}
absl::StatusOr<OneShotResult> SearchDartsV2(const OneShotRequest& r) {
  return SearchDarts(r, "darts_v2", /*unrolled=*/true, Selection::kAlpha);
}
absl::StatusOr<OneShotResult> SearchDartsPt(const OneShotRequest& r) {
  return SearchDarts(r, "darts_pt", /*unrolled=*/false, Selection::kPerturbation);
}
absl::StatusOr<OneShotResult> SearchDartsPtBlank(const OneShotRequest& r) {
  return SearchDarts(r, "darts_pt_blank", /*unrolled=*/false, Selection::kPerturbationBlank);
}

}  // namespace
}  // namespace nas::darts

NAS_REGISTER(nas::OneShotMethodRegistry(), "darts_v1",
             (nas::OneShotMethod{"DARTS, first-order architecture gradient",
                                 &nas::darts::SearchDartsV1}));
NAS_REGISTER(nas::OneShotMethodRegistry(), "darts_v2",
             (nas::OneShotMethod{"DARTS, second-order (unrolled) architecture gradient",
                                 &nas::darts::SearchDartsV2}));
NAS_REGISTER(nas::OneShotMethodRegistry(), "darts_pt",
             (nas::OneShotMethod{"DARTS-PT: first-order DARTS, then perturbation-based selection",
                                 &nas::darts::SearchDartsPt, "darts_v1"}));
NAS_REGISTER(nas::OneShotMethodRegistry(), "darts_pt_blank",
             (nas::OneShotMethod{"DARTS-PT with the alphas frozen uniform (weights only), then "
                                 "perturbation-based selection",
                                 &nas::darts::SearchDartsPtBlank, "darts_v1"}));
