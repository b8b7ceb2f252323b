// The project's one logging header: glog (Debian's LibTorch is built with it,
// so LOG/CHECK here and inside LibTorch are the same library).
//
// LOG(INFO) and friends are for progress and diagnostics; errors a user can
// cause travel as absl::Status (status.h), and CHECK is for programmer
// invariants only.
#ifndef NAS_BASE_LOGGING_H_
#define NAS_BASE_LOGGING_H_

#include <glog/logging.h>

#endif  // NAS_BASE_LOGGING_H_
