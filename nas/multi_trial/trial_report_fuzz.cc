// Fuzz target: a trial program's result.json (any language writes it).
#include <cstddef>
#include <cstdint>

#include "nas/base/json.h"
#include "nas/multi_trial/trial.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<nas::Json> j =
      nas::ParseJson(absl::string_view(reinterpret_cast<const char*>(data), size), "result.json");
  if (!j.ok()) return 0;
  absl::StatusOr<nas::TrialReport> report = nas::TrialReportFromJson(*j, "result.json");
  if (report.ok()) (void)nas::TrialReportToJson(*report).dump();
  return 0;
}
