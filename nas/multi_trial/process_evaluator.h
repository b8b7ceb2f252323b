// Trial processes: one process per candidate, started through /bin/sh so
// the trial command can be any program in any language.
//
// Each trial gets a directory <trials_dir>/<id, 6 digits>/ holding
//   parameters.json   the candidate, NNI {_value, _idx} JSON (written first)
//   result.json       the trial's report (trial.h), written by the trial
//   stdout.log, stderr.log
// and learns the paths from its environment (NAS_TRIAL_PARAMETERS,
// NAS_TRIAL_RESULT, NAS_TRIAL_DIR, NAS_TRIAL_ID, NAS_TRIAL_SEED) and from
// its command line: the placeholders {parameters} {result} {trial_dir}
// {trial_id} {seed} are replaced (shell-quoted); a command naming neither
// {parameters} nor {result} gets "--parameters=... --result=..." appended.
//
// A launcher prefix (e.g. "srun -N1 -n1 --exclusive", "ssh node7") runs the
// trial elsewhere: the command becomes
//   <launcher> /bin/sh -c 'export NAS_TRIAL_...=...; <command>'
// so the variables travel even where the launcher does not forward the
// environment. The trial directory must then be on a shared filesystem.
//
// A trial that exits non-zero, dies from a signal, outlives its timeout
// (SIGTERM to its process group, SIGKILL after a grace period) or writes no
// or a malformed result.json is a failed trial; the message says which and
// quotes the end of stderr.log.
//
// A trial killed from outside is also `interrupted` (trial.h), so that a
// resumed search runs it again: killed by SIGTERM, SIGKILL, SIGINT or
// SIGHUP (kill, Ctrl-C, a preempted node), or exiting with 128 + one of
// them, which is how a shell reports its program killed and how srun
// reports the step that scancel ended ("srun: error: node: task 0:
// Terminated", exit code 143; 137 when the step ignored SIGTERM and was
// SIGKILLed after the cluster's KillWait). Crashes (SIGSEGV, SIGABRT, ...)
// and the driver's own timeout are not interrupted; neither is a job that
// scancel removes before it started (srun exits with code 1) nor a trial
// that catches SIGTERM and exits with a code of its own. The kernel's
// out-of-memory killer sends SIGKILL: such a trial is run again by every
// resume.
#ifndef NAS_MULTI_TRIAL_PROCESS_EVALUATOR_H_
#define NAS_MULTI_TRIAL_PROCESS_EVALUATOR_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "nas/multi_trial/evaluator.h"

namespace nas {

struct ProcessEvaluatorOptions {
  std::string command;         // shell command line of the trial
  std::string launcher;        // optional prefix
  std::string trials_dir;      // where the trial directories go
  std::string working_dir;     // the trials' working directory; empty: the driver's
  double timeout_seconds = 0;  // 0: no timeout
  double kill_grace_seconds = 5;
};

// The first program the command line runs (the launcher's when there is
// one) must exist: an executable path, or a program on PATH.
absl::Status CheckTrialCommand(const ProcessEvaluatorOptions& options);

// <trials_dir>/<id as 6 digits>.
std::string TrialDirectory(const std::string& trials_dir, int64_t id);

// The shell command line that runs `trial` (placeholders replaced, the
// launcher applied).
std::string TrialCommandLine(const ProcessEvaluatorOptions& options, const TrialRequest& trial);

class ProcessEvaluator : public Evaluator {
 public:
  // Validates the options and CheckTrialCommand().
  static absl::StatusOr<std::unique_ptr<ProcessEvaluator>> Create(ProcessEvaluatorOptions options);

  // Thread-safe: the tuner driver runs several at once.
  TrialOutcome evaluate(const TrialRequest& trial) override;

 private:
  explicit ProcessEvaluator(ProcessEvaluatorOptions options) : options_(std::move(options)) {}
  ProcessEvaluatorOptions options_;
};

// `s` quoted for /bin/sh ('...', with embedded quotes escaped).
std::string ShellQuote(const std::string& s);

// The executable `name` in the running binary's folder (a job's trial
// program, built beside it by the same BUILD file); NotFound naming it.
absl::StatusOr<std::string> SiblingBinary(const std::string& name);

// SIGKILLs the process group of every running trial. Async-signal-safe: a
// tuner binary calls it from its SIGINT/SIGTERM handler so that stopping
// the search leaves no trial behind.
void KillRunningTrials();

}  // namespace nas

#endif  // NAS_MULTI_TRIAL_PROCESS_EVALUATOR_H_
