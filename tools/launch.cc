#include "tools/launch.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"
#include "nas/base/child_process.h"
#include "nas/base/free_port.h"

extern char** environ;

namespace nas::tools {
namespace {

std::string Describe(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exited with code ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return absl::StrCat("was killed by signal ", WTERMSIG(status));
  return "stopped";
}

// The ranks' process groups, for the signal handler.
constexpr int kMaxRanks = 1024;
std::atomic<pid_t> rank_groups[kMaxRanks];

// Ctrl-C or a scheduler's SIGTERM reaches the launcher only (each rank leads
// its own process group): pass it on, and wait for the ranks as usual.
void ForwardToRanks(int signal_number) {
  for (auto& group : rank_groups) {
    pid_t pid = group.load();
    if (pid > 0) kill(-pid, signal_number);
  }
}

}  // namespace

absl::Status Launch(const LaunchOptions& options, const std::vector<std::string>& command) {
  if (command.empty()) return absl::InvalidArgumentError("no command to launch (put it after --)");
  if (options.nproc < 1 || options.nproc > kMaxRanks) {
    return absl::InvalidArgumentError(
        absl::StrCat("--nproc must be in [1, ", kMaxRanks, "], got ", options.nproc));
  }
  if (!(options.grace_seconds >= 0) || !std::isfinite(options.grace_seconds)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--grace_seconds must be a finite number >= 0, got ", options.grace_seconds));
  }
  int port = options.master_port > 0 ? options.master_port : FreeLocalPort();
  if (port == 0) return absl::UnavailableError("cannot find a free port on 127.0.0.1");
  std::vector<std::string> base_env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    bool ours = false;
    for (const char* name :
         {"RANK=", "LOCAL_RANK=", "WORLD_SIZE=", "MASTER_ADDR=", "MASTER_PORT="}) {
      ours = ours || entry.rfind(name, 0) == 0;
    }
    if (!ours) base_env.push_back(entry);
  }
  // Each rank (and whatever it starts) dies with this launcher, even by
  // kill -9 (nas/base/child_process.h); pids are the ranks' process groups.
  std::vector<pid_t> pids;
  for (int rank = 0; rank < options.nproc; ++rank) {
    ChildSpec spec;
    spec.argv = command;
    spec.env = base_env;
    spec.env.push_back(absl::StrCat("RANK=", rank));
    spec.env.push_back(absl::StrCat("LOCAL_RANK=", rank));
    spec.env.push_back(absl::StrCat("WORLD_SIZE=", options.nproc));
    spec.env.push_back("MASTER_ADDR=127.0.0.1");
    spec.env.push_back(absl::StrCat("MASTER_PORT=", port));
    absl::StatusOr<pid_t> pid = SpawnGuarded(spec);
    if (!pid.ok()) {
      for (pid_t p : pids) kill(-p, SIGKILL);
      return pid.status();
    }
    pids.push_back(*pid);
    rank_groups[rank] = *pid;
  }
  signal(SIGINT, ForwardToRanks);
  signal(SIGTERM, ForwardToRanks);
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
          if (p > 0) kill(-p, SIGKILL);
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
          if (p > 0) kill(-p, SIGTERM);
        deadline = std::chrono::steady_clock::now() +
                   std::chrono::milliseconds(static_cast<int64_t>(options.grace_seconds * 1000));
      }
    }
  }
  for (auto& group : rank_groups) group = 0;
  return result;
}

}  // namespace nas::tools
