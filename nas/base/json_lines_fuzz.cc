// Fuzz target: JSON-lines logs (histories, metrics) read back after a crash
// or damage, with the torn-line repair, and the resume-time filter.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <glog/logging.h>

#include "nas/base/file.h"
#include "nas/base/json_lines.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FLAGS_minloglevel = 3;  // the torn-line warnings
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::string path =
      std::string(dir != nullptr ? dir : "/tmp") + "/json_lines_fuzz." + std::to_string(getpid());
  if (!nas::WriteFileAtomically(path, std::string(reinterpret_cast<const char*>(data), size)).ok())
    return 0;
  (void)nas::ReadJsonLines(path, /*repair=*/true);
  (void)nas::FilterJsonLines(
      path, [](const nas::Json& j) { return nas::JsonIntegerOr(j, "step", 0) <= 3; });
  (void)nas::ReadJsonLines(path, /*repair=*/false);
  unlink(path.c_str());
  return 0;
}
