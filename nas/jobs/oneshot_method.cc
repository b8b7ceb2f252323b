#include "nas/jobs/oneshot_method.h"

#include "nas/base/status.h"

namespace nas {

Registry<OneShotMethod>& OneShotMethodRegistry() {
  static auto* registry = new Registry<OneShotMethod>("one-shot method");
  return *registry;
}

SupernetEvaluationOptions OneShotRequest::DefaultScoring() {
  SupernetEvaluationOptions o;
  o.recalibration_batches = 4;
  o.eval_batches = 8;
  return o;
}

SupernetJobOptions OneShotJobOptions(const OneShotRequest& r) {
  SupernetJobOptions o;
  o.space = r.space;
  o.space_options = r.space_options;
  o.data = r.data;
  o.seed = r.seed;
  o.split_seed = r.split_seed;
  o.budget_epochs = r.epochs;
  o.trainer.progress = false;
  o.trainer.log_every = 100;
  return o;
}

absl::StatusOr<SupernetScorer> MakeSupernetScorer(const SupernetJobResult& result,
                                                  SupernetEvaluationOptions evaluation) {
  if (result.search == nullptr || result.inputs == nullptr) {
    return absl::FailedPreconditionError("MakeSupernetScorer: the job result keeps no search");
  }
  Mutator* mutator = result.search->trainer().mutator();
  if (mutator == nullptr) {
    return absl::FailedPreconditionError("MakeSupernetScorer: the search's trainer has no mutator");
  }
  struct State {  // destroyed bottom-up: the search before its inputs
    std::shared_ptr<SupernetInputs> inputs;
    std::shared_ptr<SupernetSearch> search;
    std::unique_ptr<datasets::DataLoader> recalibration, held_out;
    std::unique_ptr<SupernetEvaluator> evaluator;
  };
  auto state = std::make_shared<State>();
  state->search = result.search;
  state->inputs = result.inputs;
  const SupernetInputs& in = *result.inputs;
  state->recalibration = TrainLoader(in.data.train, in.data_options, in.seed + 17);
  state->held_out = EvalLoader(in.data.valid, in.data_options);
  state->evaluator = std::make_unique<SupernetEvaluator>(
      in.space, mutator, state->recalibration.get(), state->held_out.get(), evaluation);
  return SupernetScorer([state](const Architecture& arch) -> absl::StatusOr<double> {
    NAS_ASSIGN_OR_RETURN(CandidateScore score, state->evaluator->evaluate(arch));
    return score.accuracy;
  });
}

}  // namespace nas
