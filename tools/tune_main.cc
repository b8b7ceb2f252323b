// Multi-trial architecture search with the user's own trial program.
//
// RUN: tools/bazel run //tools:tune -- --search_space=$PWD/space.json --tuner=evolution
// --trial_command="python3 $PWD/trial.py" --parallel=4 --max_trials=100 --output_dir=runs/evo
#include <signal.h>

#include <gflags/gflags.h>

#include "absl/strings/str_join.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/run_folder.h"
#include "nas/base/status.h"
#include "nas/multi_trial/process_evaluator.h"
#include "nas/multi_trial/tuner.h"
#include "tools/tune.h"

DEFINE_string(search_space, "", "Search-space JSON (NNI's format; //tools:ss_gen writes it).");
DEFINE_string(tuner, "evolution",
              "Tuner: evolution, rl (policy gradient) or random (--list_tuners).");
DEFINE_string(tuner_options, "{}",
              "The tuner's options as a JSON object, e.g. '{\"population_size\": 20}'.");
DEFINE_string(
    trial_command, "",
    "Shell command of one trial. It gets --parameters=FILE --result=FILE appended unless it "
    "uses the placeholders {parameters} {result} (also {trial_dir} {trial_id} {seed}); the "
    "same paths are in NAS_TRIAL_PARAMETERS / NAS_TRIAL_RESULT.");
DEFINE_string(launcher, "", "Prefix that runs a trial elsewhere, e.g. 'srun -N1 -n1 --exclusive'.");
DEFINE_int32(parallel, 1, "Trials running at once.");
DEFINE_int64(max_trials, 100, "Trials in the whole search (a resumed search may raise it).");
DEFINE_double(max_duration, 0, "Stop proposing after this many seconds of search (0 = no limit).");
DEFINE_double(trial_timeout, 0,
              "Seconds after which a trial is killed and counted failed (0 = none).");
DEFINE_int32(max_consecutive_failures, 10,
             "Give up after this many failed trials in a row (0 = never).");
DEFINE_string(output_dir, "", "Where history.jsonl, best_architecture.json and trials/ go.");
DEFINE_bool(resume, false, "Continue the search in --output_dir.");
DEFINE_uint64(seed, 0, "Seed of the tuner and of the trials' seeds.");
DEFINE_bool(list_tuners, false, "List the registered tuners and exit.");

namespace {

void StopTrialsAndDie(int signal_number) {
  nas::KillRunningTrials();
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

absl::Status Run() {
  if (FLAGS_list_tuners) {
    printf("%s\n", absl::StrJoin(nas::TunerRegistry().Names(), "\n").c_str());
    return absl::OkStatus();
  }
  nas::tools::TuneOptions o;
  o.search_space = FLAGS_search_space.empty() ? "" : nas::ResolveUserPath(FLAGS_search_space);
  o.tuner = FLAGS_tuner;
  NAS_ASSIGN_OR_RETURN(o.tuner_options, nas::ParseJson(FLAGS_tuner_options, "--tuner_options"));
  o.trials.command = FLAGS_trial_command;
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
  absl::Status status = nas::tools::RunTune(std::move(o)).status();
  return folder != nullptr ? folder->Close(status) : status;
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("Multi-trial architecture search: a tuner proposes, your trial program scores.",
                &argc, &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
