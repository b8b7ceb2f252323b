#include "tools/bench/spawn.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "nas/base/free_port.h"

namespace nas::bench {

double SpawnSelf(int nproc, const std::vector<std::string>& args) {
  fflush(stdout);  // children must not inherit (and print again) our buffer
  int fds[2];
  if (pipe(fds) != 0) return -1;
  std::vector<char*> argv = {const_cast<char*>("bench")};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const std::string port = std::to_string(FreeLocalPort());
  std::vector<pid_t> pids;
  for (int rank = 0; rank < nproc; ++rank) {
    pid_t pid = fork();
    if (pid == 0) {
      if (rank == 0) {
        dup2(fds[1], STDOUT_FILENO);
      } else if (freopen("/dev/null", "w", stdout) == nullptr) {
        _exit(126);
      }
      close(fds[0]);
      if (nproc > 1) {
        setenv("RANK", std::to_string(rank).c_str(), 1);
        setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
        setenv("MASTER_ADDR", "127.0.0.1", 1);
        setenv("MASTER_PORT", port.c_str(), 1);
      }
      execv("/proc/self/exe", argv.data());
      _exit(127);
    }
    pids.push_back(pid);
  }
  close(fds[1]);
  char buf[64] = {0};
  ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
  close(fds[0]);
  bool ok = n > 0;
  for (pid_t p : pids) {
    int status = 0;
    waitpid(p, &status, 0);
    ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  return ok ? atof(buf) : -1;
}

}  // namespace nas::bench
