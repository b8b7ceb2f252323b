// The LibTorch layer's start-up: every torch binary and test links this
// (the build macros of //tools:cc.bzl add it), so InitMain and the test main
// apply the runtime defaults of runtime.h, with --threads.
#include <unistd.h>

#include <cstdio>

#include <gflags/gflags.h>

#include "nas/base/init.h"
#include "nas/base/torch/runtime.h"

DEFINE_int32(threads, 0,
             "Intra-op CPU threads; 0 = $OMP_NUM_THREADS when set, else all cores this process "
             "may use.");

namespace nas {
namespace {

void ApplyRuntimeDefaultsFromFlags() {
  const int most = MaxIntraOpThreads();
  if (FLAGS_threads < 0 || FLAGS_threads > most) {
    fprintf(
        stderr,
        "error: --threads=%d: must be in [0, %d] (0 = $OMP_NUM_THREADS or all %d usable cores; at "
        "most %d per core)\n",
        FLAGS_threads, most, UsableCores(), kMaxThreadsPerCore);
    fflush(stderr);
    _exit(2);
  }
  RuntimeOptions options;
  options.intra_op_threads = FLAGS_threads;
  ApplyRuntimeDefaults(options);
}

[[maybe_unused]] const bool kRegistered = [] {
  RegisterStartupHook(&ApplyRuntimeDefaultsFromFlags);
  return true;
}();

}  // namespace
}  // namespace nas
