#include "nas/multi_trial/trial.h"

#include <cmath>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "nas/base/file.h"
#include "nas/base/status.h"

namespace nas {

const char* TrialStatusName(TrialStatus status) {
  switch (status) {
    case TrialStatus::kSucceeded:
      return "succeeded";
    case TrialStatus::kFailed:
      return "failed";
    case TrialStatus::kTimeout:
      return "timeout";
  }
  return "failed";
}

absl::StatusOr<TrialStatus> TrialStatusFromName(const std::string& name) {
  for (TrialStatus s : {TrialStatus::kSucceeded, TrialStatus::kFailed, TrialStatus::kTimeout}) {
    if (name == TrialStatusName(s)) return s;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown trial status '", name, "' (succeeded, failed, timeout)"));
}

uint64_t TrialSeed(uint64_t search_seed, int64_t id) {
  // SplitMix64 of the pair: neighbouring ids get unrelated seeds.
  uint64_t z = search_seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(id) + 1;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return (z ^ (z >> 31)) >> 1;  // fits in int64 for tools that read it signed
}

Json TrialReportToJson(const TrialReport& report) {
  Json j = {{"final", report.final_value}, {"intermediate", report.intermediate}};
  if (!report.metrics.empty()) j["metrics"] = report.metrics;
  return j;
}

absl::StatusOr<TrialReport> TrialReportFromJson(const Json& j, const std::string& source) {
  if (!j.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": expected an object like {\"final\": 0.9}"));
  }
  TrialReport report;
  JsonObjectReader r(j, source);
  r.Required("final", &report.final_value)
      .Optional("intermediate", &report.intermediate)
      .Optional("metrics", &report.metrics);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (!std::isfinite(report.final_value)) {
    return absl::InvalidArgumentError(absl::StrCat(source, ".final: must be a finite number"));
  }
  if (!report.metrics.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ".metrics: expected an object"));
  }
  return report;
}

absl::StatusOr<TrialReport> ReadTrialReport(const std::string& path) {
  NAS_ASSIGN_OR_RETURN(Json j, ReadJsonFile(path));
  return TrialReportFromJson(j, path + ": $");
}

absl::Status WriteTrialReport(const std::string& path, const TrialReport& report) {
  if (!std::isfinite(report.final_value)) {
    return absl::InvalidArgumentError("trial report: the final value is not finite");
  }
  return WriteFileAtomically(path, TrialReportToJson(report).dump(2) + "\n");
}

namespace {

std::string FromFlagOrEnv(const std::string& flag, const char* env) {
  if (!flag.empty()) return flag;
  const char* value = std::getenv(env);
  return value == nullptr ? "" : value;
}

}  // namespace

absl::StatusOr<TrialContext> TrialEnvironment(const std::string& parameters_flag,
                                              const std::string& result_flag) {
  TrialContext context;
  std::string parameters_path = FromFlagOrEnv(parameters_flag, "NAS_TRIAL_PARAMETERS");
  if (parameters_path.empty()) {
    return absl::InvalidArgumentError(
        "no trial parameters: pass --parameters=FILE (or set NAS_TRIAL_PARAMETERS)");
  }
  NAS_ASSIGN_OR_RETURN(context.parameters, ReadJsonFile(ResolveUserPath(parameters_path)));
  context.result_path = FromFlagOrEnv(result_flag, "NAS_TRIAL_RESULT");
  if (!context.result_path.empty()) context.result_path = ResolveUserPath(context.result_path);
  if (const char* id = std::getenv("NAS_TRIAL_ID"); id != nullptr) {
    if (!absl::SimpleAtoi(id, &context.id)) {
      return absl::InvalidArgumentError(absl::StrCat("NAS_TRIAL_ID='", id, "' is not an integer"));
    }
  }
  if (const char* seed = std::getenv("NAS_TRIAL_SEED"); seed != nullptr) {
    if (!absl::SimpleAtoi(seed, &context.seed)) {
      return absl::InvalidArgumentError(
          absl::StrCat("NAS_TRIAL_SEED='", seed, "' is not an integer"));
    }
  }
  return context;
}

}  // namespace nas
