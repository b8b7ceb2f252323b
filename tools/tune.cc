#include "tools/tune.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/multi_trial/tuner.h"

namespace nas::tools {
namespace {

// Trials run in another directory: every path handed to them is absolute.
std::string Absolute(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  char cwd[4096];
  return getcwd(cwd, sizeof(cwd)) == nullptr ? path : JoinPath(cwd, path);
}

}  // namespace

absl::StatusOr<SearchSummary> RunTune(TuneOptions o) {
  if (o.search_space.empty()) return absl::InvalidArgumentError("--search_space is required");
  if (o.trials.command.empty()) return absl::InvalidArgumentError("--trial_command is required");
  if (o.driver.output_dir.empty()) return absl::InvalidArgumentError("--output_dir is required");
  NAS_RETURN_IF_ERROR(ValidateTunerDriverOptions(o.driver));
  o.driver.output_dir = Absolute(o.driver.output_dir);
  NAS_ASSIGN_OR_RETURN(Json space_json, ReadJsonFile(o.search_space));
  NAS_ASSIGN_OR_RETURN(SearchSpace space,
                       Annotate(SearchSpace::from_json(space_json), o.search_space));
  NAS_ASSIGN_OR_RETURN(TunerFactory factory, TunerRegistry().Lookup(o.tuner));
  TunerConfig config;
  config.seed = o.driver.seed;
  config.options = o.tuner_options;
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Tuner> tuner, Annotate(factory(config), "--tuner_options"));
  o.trials.trials_dir = JoinPath(o.driver.output_dir, "trials");
  // Relative paths in the trial command mean what they meant where the
  // user typed them (not Bazel's runfiles directory).
  if (o.trials.working_dir.empty()) o.trials.working_dir = ResolveUserPath(".");
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<ProcessEvaluator> evaluator,
                       ProcessEvaluator::Create(o.trials));
  // What identifies the search: a resume must agree. The budget, the
  // parallelism and the trial command may change between runs.
  Json identity = {{"tuner", o.tuner}, {"tuner_options", o.tuner_options}, {"seed", o.driver.seed}};
  LOG(INFO) << "searching " << space.choices().size() << " choices from " << o.search_space
            << " with the " << o.tuner << " tuner, " << o.driver.parallel
            << " trial(s) at a time; output in " << o.driver.output_dir;
  NAS_ASSIGN_OR_RETURN(SearchSummary summary,
                       RunSearch(o.driver, space, identity, tuner.get(), evaluator.get()));
  if (summary.best_trial >= 0) {
    LOG(INFO) << "best: " << summary.best_value << " (trial " << summary.best_trial
              << "), written to " << JoinPath(o.driver.output_dir, "best_architecture.json");
  } else {
    LOG(WARNING) << "no trial succeeded";
  }
  return summary;
}

}  // namespace nas::tools
