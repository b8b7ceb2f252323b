// Multi-trial ENAS search: the policy-gradient tuner proposes, :trial
// trains each proposal briefly.
//
// RUN: tools/bazel run //algorithms/enas:rl_tuner -- --max_trials=40 --parallel=2
// --output_dir=enas/rl
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>

#include <gflags/gflags.h>

#include "algorithms/enas/rl_tuner_job.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/run_folder.h"
#include "nas/base/status.h"
#include "nas/multi_trial/process_evaluator.h"

DEFINE_string(space, "enas_macro", "ENAS search space: enas_macro or enas_micro.");
DEFINE_string(space_options, "{\"preset\": \"fashion_mnist\"}",
              "Options of the space, as a JSON object.");
DEFINE_string(tuner, "rl", "Tuner: rl (policy gradient, the default) or evolution.");
DEFINE_string(tuner_options, "{}",
              "The tuner's options as a JSON object, e.g. '{\"batch_size\": 2}'.");
DEFINE_string(
    trial_command, "",
    "Shell command of one trial (default: the :trial binary next to this one, with --space and "
    "--space_options, plus --trial_args).");
DEFINE_string(trial_args, "--steps=200", "Flags appended to the default trial command.");
DEFINE_string(launcher, "", "Prefix that runs a trial elsewhere, e.g. 'srun -N1 -n1 --exclusive'.");
DEFINE_int32(parallel, 1, "Trials running at once.");
DEFINE_int64(max_trials, 40, "Trials in the whole search (a resumed search may raise it).");
DEFINE_double(max_duration, 0, "Stop proposing after this many seconds of search (0 = no limit).");
DEFINE_double(trial_timeout, 0,
              "Seconds after which a trial is killed and counted failed (0 = none).");
DEFINE_int32(max_consecutive_failures, 10,
             "Give up after this many failed trials in a row (0 = never).");
DEFINE_string(output_dir, "enas/rl", "Where history.jsonl, best_architecture.json and trials/ go.");
DEFINE_bool(resume, false, "Continue the search in --output_dir.");
DEFINE_uint64(seed, 0, "Seed of the tuner and of the trials' seeds.");

namespace {

void StopTrialsAndDie(int signal_number) {
  nas::KillRunningTrials();
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

// The :trial binary built next to this one (a data dependency).
std::string SiblingTrial() {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0) return "";
  std::string path(self, n);
  std::string trial = path.substr(0, path.rfind('/') + 1) + "trial";
  return access(trial.c_str(), X_OK) == 0 ? trial : "";
}

absl::Status Run() {
  nas::enas::RlTunerOptions o;
  o.space = FLAGS_space;
  NAS_ASSIGN_OR_RETURN(o.space_options, nas::ParseJson(FLAGS_space_options, "--space_options"));
  o.tuner = FLAGS_tuner;
  NAS_ASSIGN_OR_RETURN(o.tuner_options, nas::ParseJson(FLAGS_tuner_options, "--tuner_options"));
  o.trial_command = FLAGS_trial_command;
  o.trial_binary = SiblingTrial();
  o.trial_args = FLAGS_trial_args;
  o.trials.launcher = FLAGS_launcher;
  o.trials.timeout_seconds = FLAGS_trial_timeout;
  o.driver.output_dir = FLAGS_output_dir.empty() ? "" : nas::ResolveUserPath(FLAGS_output_dir);
  o.driver.max_trials = FLAGS_max_trials;
  o.driver.max_duration_seconds = FLAGS_max_duration;
  o.driver.parallel = FLAGS_parallel;
  o.driver.max_consecutive_failures = FLAGS_max_consecutive_failures;
  o.driver.resume = FLAGS_resume;
  o.driver.seed = FLAGS_seed;
  // Ctrl-C or a scheduler's SIGTERM stops the trials too; the history
  // stays resumable (running trials rerun on --resume).
  signal(SIGINT, StopTrialsAndDie);
  signal(SIGTERM, StopTrialsAndDie);
  // One search per folder: locked while it runs; a new search only in an
  // empty folder (the history decides what a --resume may change).
  std::unique_ptr<nas::RunFolder> folder;
  if (!o.driver.output_dir.empty()) {
    NAS_ASSIGN_OR_RETURN(folder, nas::RunFolder::Claim(o.driver.output_dir, o.driver.resume));
  }
  absl::StatusOr<nas::SearchSummary> summary = nas::enas::RunRlTuner(std::move(o));
  if (summary.ok()) printf("%s\n", nas::SearchSummaryToJson(*summary).dump(2).c_str());
  return folder != nullptr ? folder->Close(summary.status()) : summary.status();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain(
      "Multi-trial ENAS search: the policy-gradient tuner proposes, :trial trains each proposal.",
      &argc, &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
