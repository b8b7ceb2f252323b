// The LibTorch layer's start-up: every torch binary and test links this
// (the build macros of //tools:cc.bzl add it), so InitMain and the test main
// apply the runtime defaults of runtime.h, with --threads.
#include <gflags/gflags.h>

#include "nas/base/init.h"
#include "nas/base/torch/runtime.h"

DEFINE_int32(threads, 0, "Intra-op CPU threads; 0 = all cores this process may use.");

namespace nas {
namespace {

void ApplyRuntimeDefaultsFromFlags() {
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
