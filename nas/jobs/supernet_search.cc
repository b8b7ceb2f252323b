#include "nas/jobs/supernet_search.h"

#include <torch/nn/module.h>

#include "absl/strings/str_cat.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/core/parameters.h"
#include "nas/multi_trial/evaluator.h"
#include "nas/multi_trial/tuner.h"

namespace nas {

absl::Status SupernetSearchOptionsFromJson(const Json& j, const std::string& path,
                                           SupernetSearchOptions* o) {
  JsonObjectReader r(j, path);
  r.Optional("tuner", &o->tuner)
      .Optional("tuner_options", &o->tuner_options)
      .Optional("max_trials", &o->max_trials);
  const Json* evaluation = r.Member("evaluation");
  NAS_RETURN_IF_ERROR(r.Finish());
  if (evaluation != nullptr) {
    NAS_RETURN_IF_ERROR(SupernetEvaluationOptionsFromJson(
        *evaluation, JsonChildPath(path, "evaluation"), &o->evaluation));
  }
  if (o->tuner.empty())
    return absl::InvalidArgumentError(absl::StrCat(JsonChildPath(path, "tuner"), " is empty"));
  if (!o->tuner_options.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(JsonChildPath(path, "tuner_options"), ": expected an object"));
  }
  if (o->max_trials < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(JsonChildPath(path, "max_trials"), " must be >= 1"));
  }
  return absl::OkStatus();
}

Json SupernetSearchOptionsToJson(const SupernetSearchOptions& o) {
  return {{"tuner", o.tuner},
          {"tuner_options", o.tuner_options},
          {"max_trials", o.max_trials},
          {"evaluation", SupernetEvaluationOptionsToJson(o.evaluation)}};
}

absl::Status CheckSupernetSearchTuner(const SupernetSearchOptions& o) {
  NAS_ASSIGN_OR_RETURN(TunerFactory factory, TunerRegistry().Lookup(o.tuner));
  TunerConfig config;
  config.options = o.tuner_options;
  return Annotate(factory(config).status(), "tuner_options");
}

absl::StatusOr<SearchSummary> SearchWithScorer(const SupernetSearchOptions& o,
                                               const SearchSpace& space,
                                               const CandidateScorer& score,
                                               const std::string& output_dir, bool resume,
                                               uint64_t seed) {
  NAS_ASSIGN_OR_RETURN(TunerFactory factory, TunerRegistry().Lookup(o.tuner));
  TunerConfig tuner_config;
  tuner_config.seed = seed;
  tuner_config.options = o.tuner_options;
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Tuner> tuner,
                       Annotate(factory(tuner_config), "tuner_options"));
  InProcessEvaluator evaluator([&](const TrialRequest& trial) -> absl::StatusOr<TrialReport> {
    NAS_ASSIGN_OR_RETURN(Architecture arch, ArchitectureFromParameters(trial.parameters, space));
    NAS_ASSIGN_OR_RETURN(CandidateScore scored, score(arch));
    TrialReport report;
    report.final_value = scored.accuracy;
    report.metrics = {{"loss", scored.loss}, {"examples", scored.examples}};
    return report;
  });
  TunerDriverOptions driver;
  driver.output_dir = output_dir;
  driver.max_trials = o.max_trials;
  driver.resume = resume;
  driver.seed = seed;
  Json identity = {{"tuner", o.tuner},
                   {"tuner_options", o.tuner_options},
                   {"evaluation", SupernetEvaluationOptionsToJson(o.evaluation)},
                   {"seed", seed}};
  NAS_ASSIGN_OR_RETURN(SearchSummary summary,
                       RunSearch(driver, space, identity, tuner.get(), &evaluator));
  LOG(INFO) << "best supernet accuracy " << summary.best_value << " (trial " << summary.best_trial
            << "), written to " << output_dir << "/best_architecture.json";
  return summary;
}

absl::StatusOr<SearchSummary> SearchOnSupernet(const SupernetSearchOptions& o,
                                               const BuiltSpace& supernet, Mutator& mutator,
                                               BatchSource* recalibration, BatchSource* held_out,
                                               const std::string& output_dir, bool resume,
                                               uint64_t seed) {
  SupernetEvaluator scorer(supernet, &mutator, recalibration, held_out, o.evaluation);
  return SearchWithScorer(
      o, mutator.search_space(), [&](const Architecture& arch) { return scorer.evaluate(arch); },
      output_dir, resume, seed);
}

}  // namespace nas
