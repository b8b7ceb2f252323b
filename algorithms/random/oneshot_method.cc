// "random_path", registered as a one-shot method (nas/jobs/oneshot_method.h):
// random search with weight sharing (Li & Talwalkar, UAI 2019; NAS-Bench-201
// calls it RSPS): a supernet trained on one uniformly random path per step
// (RandomTrainer), then the best of `samples` random architectures scored on
// it (BN recalibrated).
//
//   options: {"samples": 100, "optimizer": {...RandomTrainerOptions...},
//             "evaluation": {"recalibration_batches": 4, "eval_batches": 8}}
#include <random>
#include <set>

#include "algorithms/random/random_trainer.h"
#include "nas/base/status.h"
#include "nas/core/uniform_sampling.h"
#include "nas/jobs/oneshot_method.h"

namespace nas::random {
namespace {

absl::StatusOr<OneShotResult> SearchRandomPath(const OneShotRequest& r) {
  int samples = 100;
  RandomTrainerOptions optimizer;
  SupernetEvaluationOptions evaluation;
  evaluation.recalibration_batches = 4;
  evaluation.eval_batches = 8;
  JsonObjectReader reader(r.options, "random_path options");
  reader.Optional("samples", &samples);
  const Json* optimizer_json = reader.Member("optimizer");
  const Json* evaluation_json = reader.Member("evaluation");
  NAS_RETURN_IF_ERROR(reader.Finish());
  if (optimizer_json != nullptr) {
    NAS_RETURN_IF_ERROR(
        RandomTrainerOptionsFromJson(*optimizer_json, "random_path options.optimizer", &optimizer));
  }
  if (evaluation_json != nullptr) {
    NAS_RETURN_IF_ERROR(SupernetEvaluationOptionsFromJson(
        *evaluation_json, "random_path options.evaluation", &evaluation));
  }
  if (samples < 1) return absl::InvalidArgumentError("random_path options.samples must be >= 1");
  optimizer.seed = r.seed;
  SupernetJobOptions job = OneShotJobOptions(r);
  job.architecture_file = "";
  NAS_ASSIGN_OR_RETURN(
      SupernetJobResult trained,
      RunSupernetJob(job, Json{{"method", "random_path"}, {"options", r.options}}, r.output_dir,
                     false, BasicSupernetFactory<RandomTrainer>(optimizer)));
  OneShotResult result;
  NAS_ASSIGN_OR_RETURN(result.score, MakeSupernetScorer(trained, r.scoring));
  NAS_ASSIGN_OR_RETURN(SupernetScorer select, MakeSupernetScorer(trained, evaluation));
  const SearchSpace& space = trained.search->trainer().mutator()->search_space();
  // Best of `samples` distinct random architectures (fewer when the space
  // is smaller), from a generator of their own.
  std::mt19937_64 rng(r.seed ^ 0xbe57ULL);
  std::set<std::string> seen;
  double best = -1;
  for (int attempt = 0; attempt < 20 * samples && static_cast<int>(seen.size()) < samples;
       ++attempt) {
    Architecture arch = Architecture::from_decisions(SampleUniformDecisions(space, rng), space);
    if (!seen.insert(arch.to_json().dump()).second) continue;
    NAS_ASSIGN_OR_RETURN(double score, select(arch));
    if (score > best) {
      best = score;
      result.architecture = arch;
    }
  }
  result.details = {{"samples", seen.size()}, {"best_supernet_accuracy", best}};
  return result;
}

}  // namespace
}  // namespace nas::random

NAS_REGISTER(nas::OneShotMethodRegistry(), "random_path",
             (nas::OneShotMethod{
                 "random-path supernet (RSPS), best of N random architectures on it",
                 &nas::random::SearchRandomPath}));
