// One trial of a multi-trial search: what the driver sends (TrialRequest),
// what a trial reports (TrialReport), and how it ended (TrialOutcome).
//
// A trial process gets its request through files and the environment
// (process_evaluator.h) and writes its report as JSON:
//
//   {"final": 0.912, "intermediate": [0.71, 0.85], "metrics": {"flops": 3.1e6}}
//
// `final` (required) is the metric the tuner maximises; `intermediate`
// (optional) the per-epoch metrics; `metrics` (optional, any object) is
// recorded in the history untouched. Trial binaries in C++ use
// TrialEnvironment() and WriteTrialReport(); any other language writes the
// same JSON file.
#ifndef NAS_MULTI_TRIAL_TRIAL_H_
#define NAS_MULTI_TRIAL_TRIAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nas/base/json.h"

namespace nas {

struct TrialRequest {
  int64_t id = 0;
  Json parameters;    // NNI {_value, _idx} parameters (parameters.h)
  uint64_t seed = 0;  // derived from the search seed and the trial id
};

struct TrialReport {
  double final_value = 0;
  std::vector<double> intermediate;
  Json metrics = Json::object();
};

enum class TrialStatus { kSucceeded, kFailed, kTimeout };

// "succeeded", "failed", "timeout".
const char* TrialStatusName(TrialStatus status);
absl::StatusOr<TrialStatus> TrialStatusFromName(const std::string& name);

struct TrialOutcome {
  TrialStatus status = TrialStatus::kFailed;
  TrialReport report;   // meaningful when succeeded
  std::string message;  // why it failed
  // A failed trial that was killed from outside (scancel, kill, a preempted
  // node), not by its own doing: the driver records it as failed and a
  // resumed search runs it again (tuner_driver.h).
  bool interrupted = false;
  // The evaluator itself failed (cannot write the trial's files: a full
  // disk, cannot start a process), not the trial: the search stops with
  // `message` and the trial is not recorded, so a resume runs it again.
  bool driver_error = false;
};

// The seed of trial `id` in a search seeded with `search_seed`.
uint64_t TrialSeed(uint64_t search_seed, int64_t id);

Json TrialReportToJson(const TrialReport& report);
// Strict: `final` must be a finite number, unknown members are rejected.
absl::StatusOr<TrialReport> TrialReportFromJson(const Json& j, const std::string& source);

absl::StatusOr<TrialReport> ReadTrialReport(const std::string& path);
// Written atomically: the driver never sees half a report.
absl::Status WriteTrialReport(const std::string& path, const TrialReport& report);

// What a trial binary needs, from its flags or, where a flag is empty, from
// the environment the driver sets: NAS_TRIAL_PARAMETERS, NAS_TRIAL_RESULT,
// NAS_TRIAL_ID, NAS_TRIAL_SEED.
struct TrialContext {
  Json parameters;
  std::string result_path;
  int64_t id = -1;  // -1 when run by hand
  uint64_t seed = 0;
};

absl::StatusOr<TrialContext> TrialEnvironment(const std::string& parameters_flag,
                                              const std::string& result_flag);

}  // namespace nas

#endif  // NAS_MULTI_TRIAL_TRIAL_H_
