#include "nas/multi_trial/evaluator.h"

#include <cmath>

#include "nas/base/status.h"

namespace nas {

TrialOutcome InProcessEvaluator::evaluate(const TrialRequest& trial) {
  TrialOutcome outcome;
  absl::StatusOr<TrialReport> report = absl::UnknownError("not run");
  absl::Status status = CatchExceptions([&] {
    report = fn_(trial);
    return absl::OkStatus();
  });
  if (!status.ok()) report = status;
  if (!report.ok()) {
    outcome.message = std::string(report.status().message());
  } else if (!std::isfinite(report->final_value)) {
    outcome.message = "the evaluator returned a non-finite value";
  } else {
    outcome.status = TrialStatus::kSucceeded;
    outcome.report = *std::move(report);
  }
  return outcome;
}

}  // namespace nas
