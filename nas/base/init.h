// The start of every binary's main: flags, logging, runtime defaults.
//
//   int main(int argc, char** argv) {
//     nas::InitMain("Samples architectures of a registered space.", &argc, &argv);
//     absl::Status status = RunSearch(OptionsFromFlags());
//     return nas::ExitWith(status);
//   }
#ifndef NAS_BASE_INIT_H_
#define NAS_BASE_INIT_H_

#include <string>

#include "absl/status/status.h"

namespace nas {

// Parses gflags (--help lists every flag of the binary), sets up glog to
// write to stderr, then runs the start-up hooks of the layers linked in (the
// LibTorch layer, //nas/base/torch:startup, applies the runtime defaults of
// nas/base/torch/runtime.h, with its --threads flag).
void InitMain(const char* usage, int* argc, char*** argv);

// Work a layer needs done once flags are parsed and before the program's own
// work. Register from a static initialiser (in an alwayslink library); hooks
// run in registration order, once per RunStartupHooks() call. The test main
// runs them too.
using StartupHook = void (*)();
// Keeps a flag out of --help (a common flag that this binary has no use
// for). Call before InitMain.
void HideFlagFromHelp(const std::string& name);
void RegisterStartupHook(StartupHook hook);
void RunStartupHooks();

// 0 for OK; otherwise prints "error: <message>" on one line on stderr and
// returns 1 (2 for InvalidArgument, i.e. bad input).
int ExitWith(const absl::Status& status);

}  // namespace nas

#endif  // NAS_BASE_INIT_H_
