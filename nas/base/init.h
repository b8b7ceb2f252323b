// The start of every binary's main: flags, logging, runtime defaults.
//
//   int main(int argc, char** argv) {
//     nas::InitMain("Samples architectures of a registered space.", &argc, &argv);
//     absl::Status status = RunSearch(OptionsFromFlags());
//     return nas::ExitWith(status);
//   }
#ifndef NAS_BASE_INIT_H_
#define NAS_BASE_INIT_H_

#include "absl/status/status.h"

namespace nas {

// Parses gflags (--help lists every flag of the binary), sets up glog to
// write to stderr, and applies the runtime defaults (runtime.h; the
// --threads flag overrides the thread count).
void InitMain(const char* usage, int* argc, char*** argv);

// 0 for OK; otherwise prints "error: <message>" on one line on stderr and
// returns 1 (2 for InvalidArgument, i.e. bad input).
int ExitWith(const absl::Status& status);

}  // namespace nas

#endif  // NAS_BASE_INIT_H_
