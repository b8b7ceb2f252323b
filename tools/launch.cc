#include "tools/launch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"

namespace nas::tools {
namespace {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string Describe(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exited with code ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return absl::StrCat("was killed by signal ", WTERMSIG(status));
  return "stopped";
}

}  // namespace

absl::Status Launch(const LaunchOptions& options, const std::vector<std::string>& command) {
  if (command.empty()) return absl::InvalidArgumentError("no command to launch (put it after --)");
  if (options.nproc < 1) {
    return absl::InvalidArgumentError(absl::StrCat("--nproc must be >= 1, got ", options.nproc));
  }
  int port = options.master_port > 0 ? options.master_port : FreePort();
  if (port == 0) return absl::UnavailableError("cannot find a free port on 127.0.0.1");
  std::vector<pid_t> pids;
  for (int rank = 0; rank < options.nproc; ++rank) {
    pid_t pid = fork();
    if (pid < 0) return absl::InternalError("fork failed");
    if (pid == 0) {
      setenv("RANK", std::to_string(rank).c_str(), 1);
      setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
      setenv("WORLD_SIZE", std::to_string(options.nproc).c_str(), 1);
      setenv("MASTER_ADDR", "127.0.0.1", 1);
      setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
      std::vector<char*> argv;
      for (const auto& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
      argv.push_back(nullptr);
      execvp(argv[0], argv.data());
      fprintf(stderr, "error: cannot run %s: %s\n", argv[0], strerror(errno));
      _exit(127);
    }
    pids.push_back(pid);
  }
  absl::Status result;
  int running = options.nproc;
  bool stopping = false;
  auto deadline = std::chrono::steady_clock::time_point::max();
  while (running > 0) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      if (stopping && std::chrono::steady_clock::now() > deadline) {
        for (pid_t p : pids)
          if (p > 0) kill(p, SIGKILL);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    int rank = static_cast<int>(std::find(pids.begin(), pids.end(), pid) - pids.begin());
    if (rank >= options.nproc) continue;
    pids[rank] = -1;
    --running;
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok && result.ok()) {
      result = absl::AbortedError(absl::StrCat("rank ", rank, " of ", options.nproc, " ",
                                               Describe(status), "; stopped the other ranks"));
      if (!stopping) {
        stopping = true;
        for (pid_t p : pids)
          if (p > 0) kill(p, SIGTERM);
        deadline = std::chrono::steady_clock::now() +
                   std::chrono::milliseconds(static_cast<int64_t>(options.grace_seconds * 1000));
      }
    }
  }
  return result;
}

}  // namespace nas::tools
