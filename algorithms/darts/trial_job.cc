// The DARTS evolution baseline's trial (trial_job.h).
#include "algorithms/darts/trial_job.h"

#include <ATen/ATen.h>
#include <torch/utils.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "algorithms/darts/eval_trainer.h"
#include "algorithms/darts/genotype.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/base/torch/module_device.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/parameters.h"
#include "nas/jobs/data.h"
#include "nas/train/classifier_evaluation.h"

namespace nas::darts {

Decisions KeepOnlySwitchedEdges(Decisions decisions, const SearchSpace& space) {
  for (const ChoiceSpec& spec : space.choices()) {
    if (spec.kind != MutableKind::kInputChoice) continue;
    at::Tensor keep = decisions.at(spec.key).cpu();
    if (keep.scalar_type() != at::kBool) keep = keep != 0;
    for (int64_t i = 0; i < spec.size(); ++i) {
      auto edge = decisions.find(spec.candidates[i]);
      if (edge == decisions.end() || keep[i].item<bool>()) continue;
      edge->second = at::zeros_like(edge->second, at::kBool);
    }
  }
  return decisions;
}

absl::StatusOr<TrialReport> RunTrialJob(const DartsConfig& config, const Json& parameters,
                                        uint64_t seed) {
  auto start = std::chrono::steady_clock::now();
  const TrialOptions& t = config.trial;
  torch::manual_seed(seed);
  NAS_ASSIGN_OR_RETURN(DartsNetwork network, MakeDartsNetwork(t.network));
  NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(*network));
  NAS_ASSIGN_OR_RETURN(Architecture proposed,
                       Annotate(ArchitectureFromParameters(parameters, space), "parameters"));
  NAS_ASSIGN_OR_RETURN(Decisions decisions, Annotate(proposed.resolve(space), "parameters"));
  decisions = KeepOnlySwitchedEdges(std::move(decisions), space);
  NAS_ASSIGN_OR_RETURN(Genotype genotype, Annotate(GenotypeOf(decisions, space), "parameters"));
  NAS_RETURN_IF_ERROR(
      ApplyFixedArchitecture(*network, Architecture::from_decisions(decisions, space)));
  LOG(INFO) << "trial: " << genotype.to_string();

  // Every trial of a search sees the same examples (split by the config's
  // seed, not the trial's).
  NAS_ASSIGN_OR_RETURN(ImageData data,
                       LoadImageData(config.data, DartsBuiltSpace(network), kDartsSpaceName,
                                     config.seed, /*with_test=*/false));
  auto train = TrainLoader(data.train, config.data, seed);
  auto valid = EvalLoader(data.valid, config.data);
  if (train->batches_per_epoch() == 0) {
    return absl::InvalidArgumentError(absl::StrCat("the training part (", data.train.size(),
                                                   " examples) is smaller than one batch of ",
                                                   config.data.batch_size));
  }
  TrainerOptions trainer_options;
  trainer_options.epochs = (t.steps + train->batches_per_epoch() - 1) / train->batches_per_epoch();
  trainer_options.max_steps = t.steps;
  trainer_options.progress = false;
  trainer_options.log_every = std::max<int64_t>(1, t.steps / 4);
  EvalTrainerOptions eval;
  eval.lr = t.lr;
  eval.weight_decay = t.weight_decay;
  eval.auxiliary_weight = 0;
  eval.drop_path_prob = 0;
  EvalTrainer trainer(trainer_options, eval, network, train.get(), nullptr);
  NAS_RETURN_IF_ERROR(trainer.fit());
  // Scored after the last step (fit() validates at epoch ends only).
  network->eval();
  ClassifierScore score =
      EvaluateClassifier([&](const at::Tensor& x) { return network->forward(x.to(DeviceOf(*network))); }, *valid);
  TrialReport report;
  report.final_value = score.accuracy;
  report.intermediate.push_back(report.final_value);
  report.metrics = {
      {"parameters", network->parameter_count()},
      {"genotype", genotype.to_string()},
      {"param_free_share", genotype.parameter_free_share()},
      {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()}};
  return report;
}

}  // namespace nas::darts
