// Child processes that never outlive the process that started them.
//
// A trial command or a rank is often not one process: a launcher wrapper
// (`sh wrapper.sh ...`, `srun`, `env`), a trial script that starts Python.
// PR_SET_PDEATHSIG reaches only the direct child, so after a kill -9 of the
// driver the grandchildren ran to the end. Here the direct child is a small
// guardian: it leads a new process group, starts the command in that group
// and waits for it; when the command ends it exits the same way (code or
// signal); when the starting process dies (however: kill -9 included) it
// kills the whole group within about 50 ms. Killing the group (kill(-pid))
// stops the command and everything it started, as before.
//
//   ChildSpec spec;
//   spec.argv = {"/bin/sh", "-c", command};
//   spec.stdout_fd = out;
//   NAS_ASSIGN_OR_RETURN(pid_t pid, SpawnGuarded(spec));   // pid = process group
//   waitpid(pid, &status, 0);                               // the command's status
#ifndef NAS_BASE_CHILD_PROCESS_H_
#define NAS_BASE_CHILD_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace nas {

struct ChildSpec {
  // argv[0] is a path, or a program name looked up on PATH.
  std::vector<std::string> argv;
  // "NAME=value" entries; empty: this process's environment.
  std::vector<std::string> env;
  std::string working_dir;  // "" = this process's
  // Descriptors for the command's stdin, stdout, stderr; -1 = inherit.
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
};

// Starts `spec` under a guardian (see above) and returns the guardian's pid,
// which is also the process group of everything the command starts. Wait
// for it with waitpid(): it ends with the command's exit code, or by the
// signal that ended the command. A command that cannot be started ends with
// code 127 (not found) or 126 (working directory). Fails (without starting
// anything) when argv is empty or the program is not on PATH.
absl::StatusOr<pid_t> SpawnGuarded(const ChildSpec& spec);

}  // namespace nas

#endif  // NAS_BASE_CHILD_PROCESS_H_
