#include "nas/base/status.h"

#include <mutex>
#include <stdexcept>
#include <vector>

namespace nas {
namespace {

std::mutex& TranslatorMutex() {
  static auto* mu = new std::mutex;
  return *mu;
}

std::vector<ExceptionTranslator>& Translators() {
  static auto* translators = new std::vector<ExceptionTranslator>;
  return *translators;
}

}  // namespace

absl::Status Annotate(const absl::Status& status, absl::string_view context) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(context, ": ", status.message()));
}

void RegisterExceptionTranslator(ExceptionTranslator translator) {
  std::lock_guard<std::mutex> lock(TranslatorMutex());
  Translators().push_back(translator);
}

absl::Status StatusFromCurrentException() {
  std::vector<ExceptionTranslator> translators;
  {
    std::lock_guard<std::mutex> lock(TranslatorMutex());
    translators = Translators();
  }
  for (ExceptionTranslator translate : translators) {
    if (std::optional<absl::Status> status = translate()) return *status;
  }
  try {
    throw;
  } catch (const std::invalid_argument& e) {
    return absl::InvalidArgumentError(e.what());
  } catch (const std::exception& e) {
    return absl::InternalError(e.what());
  } catch (...) {
    return absl::InternalError("unknown exception");
  }
}

std::string CurrentExceptionMessage() {
  return std::string(StatusFromCurrentException().message());
}

absl::Status CatchExceptions(const std::function<absl::Status()>& fn) {
  try {
    return fn();
  } catch (...) {
    return StatusFromCurrentException();
  }
}

}  // namespace nas
