// RUN: tools/bazel run //tools:launch -- --nproc=2 -- /path/to/binary --flag=value
#include <gflags/gflags.h>

#include "nas/base/init.h"
#include "tools/launch.h"

DEFINE_int32(nproc, 2, "Processes (ranks) to start on this machine.");
DEFINE_int32(master_port, 0, "Port of rank 0's store; 0 = a free one.");
DEFINE_double(grace_seconds, 10, "How long the other ranks get to stop after one fails.");

int main(int argc, char** argv) {
  nas::InitMain(
      "Starts --nproc copies of the command after -- as one data-parallel job (sets RANK, "
      "LOCAL_RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT); fails when any rank fails.",
      &argc, &argv);
  std::vector<std::string> command(argv + 1, argv + argc);
  nas::tools::LaunchOptions options;
  options.nproc = FLAGS_nproc;
  options.master_port = FLAGS_master_port;
  options.grace_seconds = FLAGS_grace_seconds;
  return nas::ExitWith(nas::tools::Launch(options, command));
}
