// Starts N copies of a command on this machine as one data-parallel job:
// each gets RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR=127.0.0.1 and a free
// MASTER_PORT. When one rank fails, the others are stopped (SIGTERM, then
// SIGKILL after a grace period) and the job fails naming that rank.
#ifndef TOOLS_LAUNCH_H_
#define TOOLS_LAUNCH_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace nas::tools {

struct LaunchOptions {
  int nproc = 2;
  // 0 = pick a free port.
  int master_port = 0;
  double grace_seconds = 10;
};

absl::Status Launch(const LaunchOptions& options, const std::vector<std::string>& command);

}  // namespace nas::tools

#endif  // TOOLS_LAUNCH_H_
