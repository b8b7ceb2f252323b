#include "nas/analysis/latency_budget.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <ATen/ATen.h>

#include "absl/strings/str_cat.h"

namespace nas {

absl::Status ValidateLatencyBudget(const LatencyBudget& b, const std::string& path) {
  if (!(b.budget_ms >= 0) || !std::isfinite(b.budget_ms) || !(b.weight >= 0) ||
      !std::isfinite(b.weight)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": latency_budget_ms and latency_weight must be finite numbers >= 0"));
  }
  if (b.batch < 1 || b.batch > 4096) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".latency_batch must be in [1, 4096], got ", b.batch));
  }
  return absl::OkStatus();
}

at::Tensor LatencyPenalty(const at::Tensor& expected, const LatencyBudget& budget) {
  return budget.weight * at::relu(expected - budget.budget_ms) / budget.budget_ms;
}

double LatencyPenalty(double latency_ms, const LatencyBudget& budget) {
  return budget.weight * std::max(0.0, latency_ms - budget.budget_ms) / budget.budget_ms;
}

at::Tensor ExpectedLatencyOrThrow(const LatencyTable* table,
                                  const std::map<std::string, at::Tensor>& probabilities,
                                  const std::map<std::string, double>& share) {
  TORCH_CHECK(table != nullptr, "a latency budget needs a latency table (set_latency_table)");
  absl::StatusOr<at::Tensor> expected = table->expected(probabilities, share);
  TORCH_CHECK(expected.ok(),
              "the latency table does not fit the space: ", expected.status().message());
  return *expected;
}

double PredictedLatencyOrThrow(const LatencyTable* table, const Decisions& decisions) {
  TORCH_CHECK(table != nullptr, "a latency budget needs a latency table (set_latency_table)");
  absl::StatusOr<double> ms = table->predict(decisions);
  TORCH_CHECK(ms.ok(), "the latency table does not fit the space: ", ms.status().message());
  return *ms;
}

std::pair<double, double> PredictedBounds(const LatencyTable& table) {
  double fastest = table.rest_ms, slowest = table.rest_ms;
  for (const auto& [choice, ms] : table.candidates) {
    fastest += *std::min_element(ms.begin(), ms.end());
    slowest += *std::max_element(ms.begin(), ms.end());
  }
  return {fastest, slowest};
}

std::string PredictedRange(const LatencyTable& table) {
  const auto [fastest, slowest] = PredictedBounds(table);
  return absl::StrCat(fastest, "-", slowest, " ms");
}

}  // namespace nas
