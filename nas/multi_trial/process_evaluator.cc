#include "nas/multi_trial/process_evaluator.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "nas/base/child_process.h"
#include "nas/base/file.h"
#include "nas/base/status.h"

extern char** environ;

namespace nas {
namespace {

// Process groups of running trials, for KillRunningTrials() (which may run
// in a signal handler: lock-free slots, no allocation).
constexpr int kMaxRunning = 1024;
std::atomic<pid_t> running_groups[kMaxRunning];

int RegisterRunning(pid_t pid) {
  for (int i = 0; i < kMaxRunning; ++i) {
    pid_t expected = 0;
    if (running_groups[i].compare_exchange_strong(expected, pid)) return i;
  }
  return -1;
}

void UnregisterRunning(int slot) {
  if (slot >= 0) running_groups[slot].store(0);
}

// The first word a shell would run: skips leading NAME=value assignments.
std::string FirstProgram(const std::string& command_line) {
  for (absl::string_view word :
       absl::StrSplit(command_line, absl::ByAnyChar(" \t\n"), absl::SkipEmpty())) {
    std::string w(word);
    size_t eq = w.find('=');
    if (eq != std::string::npos && eq > 0 && w.find('/') > eq) continue;  // assignment
    if (w.size() >= 2 && (w.front() == '\'' || w.front() == '"') && w.back() == w.front()) {
      w = w.substr(1, w.size() - 2);
    }
    return w;
  }
  return "";
}

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

std::string TailOfFile(const std::string& path, size_t max_bytes) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return "";
  std::string tail = text->size() > max_bytes ? text->substr(text->size() - max_bytes) : *text;
  absl::string_view trimmed = absl::StripTrailingAsciiWhitespace(tail);
  size_t newline = trimmed.rfind('\n');
  // The last line (the error, usually); the whole tail if it is one line.
  return std::string(newline == std::string::npos ? trimmed : trimmed.substr(newline + 1));
}

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Signals that stop a process from outside (kill, Ctrl-C, a scheduler's
// scancel or preemption), as opposed to those a crashing program raises
// itself (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL).
bool IsInterruption(int signal_number) {
  return signal_number == SIGHUP || signal_number == SIGINT || signal_number == SIGKILL ||
         signal_number == SIGTERM;
}

std::string SignalName(int signal_number) {
  return absl::StrCat("signal ", signal_number, " (", strsignal(signal_number), ")");
}

constexpr char kRerunNote[] = " from outside the trial; a resumed search runs it again";

}  // namespace

std::string ShellQuote(const std::string& s) {
  return "'" + absl::StrReplaceAll(s, {{"'", "'\\''"}}) + "'";
}

absl::StatusOr<std::string> SiblingBinary(const std::string& name) {
  char path[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n <= 0) return absl::InternalError("cannot locate the running binary (/proc/self/exe)");
  std::string self(path, n);
  std::string sibling = JoinPath(self.substr(0, self.rfind('/')), name);
  if (access(sibling.c_str(), X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat("no ", name, " binary next to this one (", sibling,
                                            "); build it or pass its command"));
  }
  return sibling;
}

std::string TrialDirectory(const std::string& trials_dir, int64_t id) {
  char name[32];
  snprintf(name, sizeof(name), "%06lld", static_cast<long long>(id));
  return JoinPath(trials_dir, name);
}

absl::Status CheckTrialCommand(const ProcessEvaluatorOptions& options) {
  const std::string& line = options.launcher.empty() ? options.command : options.launcher;
  const char* what = options.launcher.empty() ? "trial command" : "launcher";
  std::string program = FirstProgram(line);
  if (program.empty()) return absl::InvalidArgumentError(absl::StrCat("the ", what, " is empty"));
  static const std::set<std::string> kShellWords = {".",   "cd",   "exec",   "export", "source",
                                                    "set", "trap", "ulimit", "umask",  "(",
                                                    "{",   "if",   "for",    "while"};
  if (kShellWords.count(program) != 0) return absl::OkStatus();
  if (program.find('/') != std::string::npos) {
    if (program[0] != '/' && !options.working_dir.empty())
      program = JoinPath(options.working_dir, program);
    if (IsExecutableFile(program)) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("the ", what, " runs '", program, "', which is not an executable file"));
  }
  const char* path = std::getenv("PATH");
  for (absl::string_view dir :
       absl::StrSplit(path == nullptr ? "" : path, ':', absl::SkipEmpty())) {
    if (IsExecutableFile(JoinPath(std::string(dir), program))) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("the ", what, " runs '", program, "', which is not a program on PATH"));
}

// A simple command (one program and its arguments) is exec'ed by the shell,
// so the trial itself is the driver's child: it dies with the driver
// (PR_SET_PDEATHSIG) and its own signals are reported as such.
bool IsSimpleCommand(const std::string& command) {
  if (command.find_first_of(";&|<>()`$\n\\") != std::string::npos) return false;
  size_t start = command.find_first_not_of(" \t");
  std::string first = FirstProgram(command);
  if (start == std::string::npos || command.compare(start, first.size(), first) != 0) {
    return false;  // empty, or starts with NAME=value assignments
  }
  static const std::set<std::string> kKeywords = {"if",    "for", "while", "case",
                                                  "until", "{",   "!",     "exec"};
  return kKeywords.count(first) == 0;
}

std::string TrialCommandLine(const ProcessEvaluatorOptions& options, const TrialRequest& trial) {
  std::string dir = TrialDirectory(options.trials_dir, trial.id);
  std::string parameters = JoinPath(dir, "parameters.json");
  std::string result = JoinPath(dir, "result.json");
  std::string command = options.command;
  bool has_placeholder = command.find("{parameters}") != std::string::npos ||
                         command.find("{result}") != std::string::npos;
  command = absl::StrReplaceAll(command, {{"{parameters}", ShellQuote(parameters)},
                                          {"{result}", ShellQuote(result)},
                                          {"{trial_dir}", ShellQuote(dir)},
                                          {"{trial_id}", std::to_string(trial.id)},
                                          {"{seed}", std::to_string(trial.seed)}});
  if (!has_placeholder) {
    absl::StrAppend(&command, " --parameters=", ShellQuote(parameters),
                    " --result=", ShellQuote(result));
  }
  if (options.launcher.empty()) return IsSimpleCommand(command) ? "exec " + command : command;
  std::string exports = absl::StrCat(
      "export NAS_TRIAL_ID=", trial.id, " NAS_TRIAL_SEED=", trial.seed,
      " NAS_TRIAL_DIR=", ShellQuote(dir), " NAS_TRIAL_PARAMETERS=", ShellQuote(parameters),
      " NAS_TRIAL_RESULT=", ShellQuote(result), "; ");
  std::string launched =
      absl::StrCat(options.launcher, " /bin/sh -c ", ShellQuote(exports + command));
  return IsSimpleCommand(options.launcher) ? "exec " + launched : launched;
}

absl::StatusOr<std::unique_ptr<ProcessEvaluator>> ProcessEvaluator::Create(
    ProcessEvaluatorOptions options) {
  if (options.command.empty()) return absl::InvalidArgumentError("the trial command is empty");
  if (options.trials_dir.empty()) return absl::InvalidArgumentError("no trials directory");
  if (!(options.timeout_seconds >= 0) || !std::isfinite(options.timeout_seconds)) {
    return absl::InvalidArgumentError("the trial timeout must be a finite number >= 0 (0 = none)");
  }
  if (!(options.kill_grace_seconds >= 0) || !std::isfinite(options.kill_grace_seconds))
    return absl::InvalidArgumentError("the kill grace must be a finite number >= 0");
  NAS_RETURN_IF_ERROR(CheckTrialCommand(options));
  NAS_RETURN_IF_ERROR(MakeDirs(options.trials_dir));
  return std::unique_ptr<ProcessEvaluator>(new ProcessEvaluator(std::move(options)));
}

TrialOutcome ProcessEvaluator::evaluate(const TrialRequest& trial) {
  TrialOutcome outcome;
  std::string dir = TrialDirectory(options_.trials_dir, trial.id);
  std::string parameters_path = JoinPath(dir, "parameters.json");
  std::string result_path = JoinPath(dir, "result.json");
  std::string stdout_path = JoinPath(dir, "stdout.log");
  std::string stderr_path = JoinPath(dir, "stderr.log");
  // A rerun (after a resume) starts clean.
  unlink(result_path.c_str());
  if (absl::Status s = WriteFileAtomically(parameters_path, trial.parameters.dump(2) + "\n");
      !s.ok()) {
    outcome.message = std::string(s.message());
    outcome.driver_error = true;  // our disk, not the trial
    return outcome;
  }

  std::string command = TrialCommandLine(options_, trial);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (strncmp(*e, "NAS_TRIAL_", 10) != 0) env_strings.emplace_back(*e);
  }
  env_strings.push_back(absl::StrCat("NAS_TRIAL_ID=", trial.id));
  env_strings.push_back(absl::StrCat("NAS_TRIAL_SEED=", trial.seed));
  env_strings.push_back("NAS_TRIAL_DIR=" + dir);
  env_strings.push_back("NAS_TRIAL_PARAMETERS=" + parameters_path);
  env_strings.push_back("NAS_TRIAL_RESULT=" + result_path);
  int out_fd = open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err_fd = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out_fd < 0 || err_fd < 0 || null_fd < 0) {
    for (int fd : {out_fd, err_fd, null_fd}) {
      if (fd >= 0) close(fd);
    }
    outcome.message = absl::StrCat("cannot create the logs in ", dir, ": ", strerror(errno));
    outcome.driver_error = true;
    return outcome;
  }
  // The trial and whatever it starts (a launcher's children included) die
  // with this process, even by kill -9 (nas/base/child_process.h).
  ChildSpec spec;
  spec.argv = {"/bin/sh", "-c", command};
  spec.env = std::move(env_strings);
  spec.working_dir = options_.working_dir;
  spec.stdin_fd = null_fd;
  spec.stdout_fd = out_fd;
  spec.stderr_fd = err_fd;
  absl::StatusOr<pid_t> spawned = SpawnGuarded(spec);
  close(out_fd);
  close(err_fd);
  close(null_fd);
  if (!spawned.ok()) {
    outcome.message = std::string(spawned.status().message());
    outcome.driver_error = true;
    return outcome;
  }
  const pid_t pid = *spawned;
  int slot = RegisterRunning(pid);

  double start = Now();
  double term_sent = -1;
  int wait_status = 0;
  bool timed_out = false;
  std::chrono::microseconds poll(500);
  while (true) {
    pid_t r = waitpid(pid, &wait_status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) break;
    double now = Now();
    if (options_.timeout_seconds > 0 && !timed_out && now - start > options_.timeout_seconds) {
      timed_out = true;
      term_sent = now;
      kill(-pid, SIGTERM);
    }
    if (timed_out && now - term_sent > options_.kill_grace_seconds) kill(-pid, SIGKILL);
    std::this_thread::sleep_for(poll);
    poll = std::min(poll * 2, std::chrono::microseconds(20000));
  }
  kill(-pid, SIGKILL);  // whatever the trial left running in its group
  UnregisterRunning(slot);

  std::string stderr_tail = TailOfFile(stderr_path, 2000);
  auto with_stderr = [&](std::string message) {
    if (!stderr_tail.empty()) absl::StrAppend(&message, "; stderr: ", stderr_tail);
    return message;
  };
  if (timed_out) {
    outcome.status = TrialStatus::kTimeout;
    outcome.message = absl::StrCat("timed out after ", options_.timeout_seconds, " s");
    return outcome;
  }
  if (WIFSIGNALED(wait_status)) {
    int signal_number = WTERMSIG(wait_status);
    outcome.interrupted = IsInterruption(signal_number);
    outcome.message = with_stderr(absl::StrCat("killed by ", SignalName(signal_number),
                                               outcome.interrupted ? kRerunNote : ""));
    return outcome;
  }
  int code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
  if (code != 0) {
    std::string message = absl::StrCat("exited with code ", code);
    if (code == 127) absl::StrAppend(&message, " (command not found)");
    // 128 + N: how a shell, and srun when scancel ends the step, say that
    // the program they ran was killed by signal N.
    if (code > 128 && code < 128 + 32) {
      outcome.interrupted = IsInterruption(code - 128);
      absl::StrAppend(&message, ": killed by ", SignalName(code - 128),
                      outcome.interrupted ? kRerunNote : "");
    }
    outcome.message = with_stderr(message);
    return outcome;
  }
  if (!FileExists(result_path)) {
    outcome.message = absl::StrCat("exited with code 0 but wrote no result to ", result_path);
    return outcome;
  }
  absl::StatusOr<TrialReport> report = ReadTrialReport(result_path);
  if (!report.ok()) {
    outcome.message = absl::StrCat("malformed result: ", report.status().message());
    return outcome;
  }
  outcome.status = TrialStatus::kSucceeded;
  outcome.report = *std::move(report);
  return outcome;
}

void KillRunningTrials() {
  for (int i = 0; i < kMaxRunning; ++i) {
    pid_t pid = running_groups[i].load();
    if (pid > 0) kill(-pid, SIGKILL);
  }
}

}  // namespace nas
