// absl::Status helpers. Debian's Abseil (20220623) has Status and StatusOr
// but no propagation macros, so they live here.
//
// Example:
//   absl::StatusOr<Config> LoadConfig(const std::string& path) {
//     NAS_ASSIGN_OR_RETURN(nlohmann::json j, ReadJsonFile(path));
//     Config config;
//     NAS_RETURN_IF_ERROR(ConfigFromJson(j, &config));
//     return config;
//   }
#ifndef NAS_BASE_STATUS_H_
#define NAS_BASE_STATUS_H_

#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace nas {

// Returns `status` with `context + ": "` put in front of its message; OK
// stays OK.
absl::Status Annotate(const absl::Status& status, absl::string_view context);

// The same for a StatusOr: the value passes through, an error is annotated.
template <typename T>
absl::StatusOr<T> Annotate(absl::StatusOr<T> value, absl::string_view context) {
  if (value.ok()) return value;
  return Annotate(value.status(), context);
}

// Runs `fn` and turns an exception escaping it into a Status:
// std::invalid_argument becomes InvalidArgument, anything else Internal,
// unless a registered translator claims it first. The LibTorch layer
// (//nas/base/torch:exceptions, linked by every library that runs tensor
// code) registers one: c10::Error (TORCH_CHECK failures, shape mismatches)
// becomes InvalidArgument with the message without LibTorch's C++
// backtrace. Use it at few, named boundaries: a binary's main, a trainer
// step, a user callback.
absl::Status CatchExceptions(const std::function<absl::Status()>& fn);

// The Status of the exception currently being handled (call it inside a
// catch block only), by the same rules.
absl::Status StatusFromCurrentException();

// The message of the exception currently being handled (inside a catch
// block), without LibTorch's backtrace when the LibTorch layer is linked.
std::string CurrentExceptionMessage();

// A translator is called inside a catch block; it rethrows (`throw;`) to
// inspect the exception and returns its Status, or nullopt when the
// exception is not its kind. Register at static-initialisation time.
using ExceptionTranslator = std::optional<absl::Status> (*)();
void RegisterExceptionTranslator(ExceptionTranslator translator);

}  // namespace nas

#define NAS_STATUS_CONCAT_INNER_(a, b) a##b
#define NAS_STATUS_CONCAT_(a, b) NAS_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define NAS_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::absl::Status nas_status_ = (expr);       \
    if (!nas_status_.ok()) return nas_status_; \
  } while (false)

// `lhs = value of expr` (an absl::StatusOr<T>), or returns its error.
// `lhs` may declare a variable: NAS_ASSIGN_OR_RETURN(auto x, F());
#define NAS_ASSIGN_OR_RETURN(lhs, expr) \
  NAS_ASSIGN_OR_RETURN_IMPL_(NAS_STATUS_CONCAT_(nas_statusor_, __LINE__), lhs, expr)

#define NAS_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr)    \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // NAS_BASE_STATUS_H_
