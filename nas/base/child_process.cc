#include "nas/base/child_process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

extern char** environ;

namespace nas {
namespace {

bool IsExecutable(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

// argv[0] as a path (PATH looked up before fork: execvp may allocate).
absl::StatusOr<std::string> ProgramPath(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    if (IsExecutable(program)) return program;
    return absl::NotFoundError(absl::StrCat("cannot run ", program, ": not an executable file"));
  }
  const char* path = std::getenv("PATH");
  for (absl::string_view dir :
       absl::StrSplit(path == nullptr ? "/bin:/usr/bin" : path, ':', absl::SkipEmpty())) {
    std::string candidate = absl::StrCat(dir, "/", program);
    if (IsExecutable(candidate)) return candidate;
  }
  return absl::NotFoundError(absl::StrCat("cannot run ", program, ": not a program on PATH"));
}

// In the guardian and the command: only async-signal-safe calls from here
// (the starting process may have other threads).
[[noreturn]] void RunCommand(const char* program, char* const* argv, char* const* envp,
                             const ChildSpec& spec) {
  // The guardian ignores SIGINT/SIGTERM; the command gets the defaults.
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  if (!spec.working_dir.empty() && chdir(spec.working_dir.c_str()) != 0) _exit(126);
  if (spec.stdin_fd >= 0) dup2(spec.stdin_fd, 0);
  if (spec.stdout_fd >= 0) dup2(spec.stdout_fd, 1);
  if (spec.stderr_fd >= 0) dup2(spec.stderr_fd, 2);
  execve(program, argv, envp);
  _exit(127);
}

[[noreturn]] void Guard(pid_t parent, const char* program, char* const* argv, char* const* envp,
                        const ChildSpec& spec) {
  setpgid(0, 0);
  // A group signal (a timeout's SIGTERM, Ctrl-C) is for the command; the
  // guardian stays to report how the command ended.
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  if (getppid() != parent) _exit(125);  // the parent died before we got here
  const pid_t guardian = getpid();
  const pid_t command = fork();
  if (command == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // the guardian itself killed: the command too
    if (getppid() != guardian) _exit(125);
    RunCommand(program, argv, envp, spec);
  }
  if (command < 0) _exit(125);
  const struct timespec tick = {0, 20 * 1000 * 1000};
  while (true) {
    int status = 0;
    pid_t r = waitpid(command, &status, WNOHANG);
    if (r == command) {
      if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        const struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        signal(sig, SIG_DFL);
        kill(guardian, sig);
      }
      _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 125);
    }
    if (r < 0 && errno != EINTR) _exit(125);
    if (getppid() != parent) {
      kill(0, SIGKILL);  // the whole group, the guardian last
      _exit(137);
    }
    nanosleep(&tick, nullptr);
  }
}

}  // namespace

absl::StatusOr<pid_t> SpawnGuarded(const ChildSpec& spec) {
  if (spec.argv.empty()) return absl::InvalidArgumentError("no command to start");
  absl::StatusOr<std::string> program = ProgramPath(spec.argv[0]);
  if (!program.ok()) return program.status();
  std::vector<char*> argv;
  for (const std::string& arg : spec.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  if (spec.env.empty()) {
    for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  } else {
    for (const std::string& entry : spec.env) envp.push_back(const_cast<char*>(entry.c_str()));
  }
  envp.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork failed: ", std::strerror(errno)));
  if (pid == 0) Guard(parent, program->c_str(), argv.data(), envp.data(), spec);
  setpgid(pid, pid);  // also here: the caller may signal the group at once
  return pid;
}

}  // namespace nas
