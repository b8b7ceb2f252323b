#include "algorithms/enas/rl_tuner_job.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/space_registry.h"
#include "nas/multi_trial/tuner.h"

namespace nas::enas {
namespace {

std::string ShellQuote(const std::string& s) {
  return "'" + absl::StrReplaceAll(s, {{"'", "'\\''"}}) + "'";
}

// Trials run in another directory: every path handed to them is absolute.
std::string Absolute(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  char cwd[4096];
  return getcwd(cwd, sizeof(cwd)) == nullptr ? path : JoinPath(cwd, path);
}

}  // namespace

std::string TrialCommand(const RlTunerOptions& o) {
  if (!o.trial_command.empty()) return o.trial_command;
  std::string command = absl::StrCat(ShellQuote(o.trial_binary), " --space=", ShellQuote(o.space),
                                     " --space_options=", ShellQuote(o.space_options.dump()));
  if (!o.trial_args.empty()) absl::StrAppend(&command, " ", o.trial_args);
  return command;
}

absl::StatusOr<SearchSummary> RunRlTuner(RlTunerOptions o) {
  if (o.driver.output_dir.empty()) return absl::InvalidArgumentError("--output_dir is required");
  if (o.trial_command.empty() && o.trial_binary.empty()) {
    return absl::InvalidArgumentError(
        "--trial_command is required (the :trial binary was not found)");
  }
  NAS_RETURN_IF_ERROR(ValidateTunerDriverOptions(o.driver));
  o.driver.output_dir = Absolute(o.driver.output_dir);
  NAS_ASSIGN_OR_RETURN(SpaceFactory factory, SpaceRegistry().Lookup(o.space));
  NAS_ASSIGN_OR_RETURN(BuiltSpace built, Annotate(factory(o.space_options), "--space_options"));
  NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(*built.model));
  NAS_ASSIGN_OR_RETURN(TunerFactory tuner_factory, TunerRegistry().Lookup(o.tuner));
  TunerConfig config;
  config.seed = o.driver.seed;
  config.options = o.tuner_options;
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Tuner> tuner,
                       Annotate(tuner_factory(config), "--tuner_options"));
  o.trials.command = TrialCommand(o);
  o.trials.trials_dir = JoinPath(o.driver.output_dir, "trials");
  if (o.trials.working_dir.empty()) o.trials.working_dir = ResolveUserPath(".");
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<ProcessEvaluator> evaluator,
                       ProcessEvaluator::Create(o.trials));
  if (!o.driver.resume || !FileExists(JoinPath(o.driver.output_dir, "search_space.json"))) {
    NAS_RETURN_IF_ERROR(MakeDirs(o.driver.output_dir));
    NAS_RETURN_IF_ERROR(
        WriteJsonFile(JoinPath(o.driver.output_dir, "search_space.json"), space.to_json()));
  }
  // What identifies the search: a resume must agree. The budget, the
  // parallelism and the trial command may change between runs.
  Json identity = {{"tuner", o.tuner},
                   {"tuner_options", o.tuner_options},
                   {"seed", o.driver.seed},
                   {"space", o.space},
                   {"space_options", o.space_options}};
  LOG(INFO) << "multi-trial search over " << o.space << " (" << space.choices().size()
            << " decisions) with the " << o.tuner << " tuner, " << o.driver.parallel
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

}  // namespace nas::enas
