#include "algorithms/darts/evolution_job.h"

#include <unistd.h>

#include <climits>

#include "absl/strings/str_cat.h"
#include "algorithms/darts/darts_space.h"
#include "algorithms/darts/genotype.h"
#include "algorithms/darts/trial_job.h"
#include "nas/base/file.h"
#include "nas/base/json.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/parameters.h"
#include "nas/multi_trial/process_evaluator.h"
#include "nas/multi_trial/tuner.h"

namespace nas::darts {

absl::StatusOr<SearchSummary> RunEvolutionJob(const DartsConfig& config,
                                              const std::string& output_dir, bool resume,
                                              const std::string& trial_command) {
  if (output_dir.empty()) return absl::InvalidArgumentError("--output_dir is required");
  NAS_ASSIGN_OR_RETURN(DartsNetwork network, MakeDartsNetwork(config.trial.network));
  NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(*network));
  NAS_RETURN_IF_ERROR(MakeDirs(output_dir));
  const std::string config_path = JoinPath(output_dir, "config.json");
  NAS_RETURN_IF_ERROR(WriteJsonFile(config_path, DartsConfigToJson(config)));

  std::string command = trial_command;
  if (command.empty()) {
    NAS_ASSIGN_OR_RETURN(std::string binary, SiblingBinary("trial"));
    command = ShellQuote(binary);
  }
  ProcessEvaluatorOptions trials;
  trials.command = absl::StrCat(command, " --config=", ShellQuote(config_path));
  trials.trials_dir = JoinPath(output_dir, "trials");
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<ProcessEvaluator> evaluator,
                       ProcessEvaluator::Create(trials));

  const Json tuner_options = {{"population_size", config.evolution.population},
                              {"sample_size", config.evolution.sample_size}};
  NAS_ASSIGN_OR_RETURN(TunerFactory factory, TunerRegistry().Lookup("evolution"));
  TunerConfig tuner_config;
  tuner_config.seed = config.seed;
  tuner_config.options = tuner_options;
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Tuner> tuner, factory(tuner_config));

  TunerDriverOptions driver;
  driver.output_dir = output_dir;
  driver.max_trials = config.evolution.max_trials;
  driver.max_duration_seconds = config.evolution.max_duration;
  driver.parallel = config.evolution.parallel;
  driver.resume = resume;
  driver.seed = config.seed;
  // A resume must continue the same search (the budget may grow).
  Json identity = {{"tuner", "evolution"},
                   {"tuner_options", tuner_options},
                   {"seed", config.seed},
                   {"trial_network", DartsNetworkOptionsToJson(config.trial.network)},
                   {"trial_steps", config.trial.steps}};
  LOG(INFO) << "DARTS evolution baseline: population " << config.evolution.population << ", sample "
            << config.evolution.sample_size << ", " << config.evolution.max_trials << " trials of "
            << config.trial.steps << " steps, " << driver.parallel << " at a time; output in "
            << output_dir;
  NAS_ASSIGN_OR_RETURN(SearchSummary summary,
                       RunSearch(driver, space, identity, tuner.get(), evaluator.get()));
  if (summary.best_trial < 0)
    return absl::FailedPreconditionError("no trial succeeded; see trials/*/stderr.log");
  NAS_ASSIGN_OR_RETURN(Architecture best,
                       ArchitectureFromParameters(summary.best_parameters, space));
  NAS_ASSIGN_OR_RETURN(Decisions decisions, best.resolve(space));
  decisions = KeepOnlySwitchedEdges(std::move(decisions), space);
  NAS_ASSIGN_OR_RETURN(Genotype genotype, GenotypeOf(decisions, space));
  // The best cell as a plain architecture file for :retrain.
  NAS_RETURN_IF_ERROR(WriteArchitecture(JoinPath(output_dir, "best_architecture.json"),
                                        Architecture::from_decisions(decisions, space)));
  NAS_RETURN_IF_ERROR(
      WriteFileAtomically(JoinPath(output_dir, "best_genotype.txt"), genotype.to_string() + "\n"));
  LOG(INFO) << "best validation accuracy " << summary.best_value << " (trial " << summary.best_trial
            << "): " << genotype.to_string();
  return summary;
}

}  // namespace nas::darts
