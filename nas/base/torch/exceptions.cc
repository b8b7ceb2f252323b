// Teaches nas::CatchExceptions (nas/base/status.h) LibTorch's exception:
// c10::Error (TORCH_CHECK failures, shape mismatches, bad archives) becomes
// InvalidArgument with the message without LibTorch's C++ backtrace.
// Registered at static initialisation; every library that runs tensor code
// and catches exceptions depends on this target (alwayslink).
#include <optional>

#include <c10/util/Exception.h>

#include "nas/base/status.h"

namespace nas {
namespace {

std::optional<absl::Status> TranslateC10Error() {
  try {
    throw;
  } catch (const c10::Error& e) {
    return absl::InvalidArgumentError(e.what_without_backtrace());
  } catch (...) {
    return std::nullopt;
  }
}

[[maybe_unused]] const bool kRegistered = [] {
  RegisterExceptionTranslator(&TranslateC10Error);
  return true;
}();

}  // namespace
}  // namespace nas
