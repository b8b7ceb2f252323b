// A deployment latency budget, as the searches take it: the budget, the
// weight of the penalty weight-sharing searches add to their architecture
// loss, and where its latency table comes from (nas/analysis/latency_table.h;
// a job measures it: nas/jobs/job_latency_table.h).
//
//   at::Tensor penalty = LatencyPenalty(table.expected(probabilities).value(), budget);
#ifndef NAS_ANALYSIS_LATENCY_BUDGET_H_
#define NAS_ANALYSIS_LATENCY_BUDGET_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include <ATen/core/Tensor.h>

#include "absl/status/status.h"
#include "nas/analysis/latency_table.h"

namespace nas {

// A package's options carry these as latency_budget_ms, latency_weight,
// latency_batch and latency_table.
struct LatencyBudget {
  double budget_ms = 0;  // 0 = no budget
  double weight = 1;     // of the penalty (weight-sharing searches)
  int64_t batch = 1;     // of the table's measurements
  std::string table;     // its file; "" = latency_table.json in the output folder
  bool active() const { return budget_ms > 0; }
};
// Checks the members; errors name `path` and the member.
absl::Status ValidateLatencyBudget(const LatencyBudget& budget, const std::string& path);

// weight * max(0, expected - budget) / budget: zero within the budget,
// growing with the relative excess.
at::Tensor LatencyPenalty(const at::Tensor& expected, const LatencyBudget& budget);
// The same of one predicted latency (a reward penalty: no gradient needed).
double LatencyPenalty(double latency_ms, const LatencyBudget& budget);

// For trainer steps (LibTorch style: a c10::Error naming the problem):
// table->expected(...) and table->predict(...), throwing when there is no
// table or it does not fit the space.
at::Tensor ExpectedLatencyOrThrow(const LatencyTable* table,
                                  const std::map<std::string, at::Tensor>& probabilities,
                                  const std::map<std::string, double>& share = {});
double PredictedLatencyOrThrow(const LatencyTable* table, const Decisions& decisions);

// The table's bounds over architectures that run one candidate of every
// layer choice: the cheapest and the dearest candidate everywhere (a space
// whose architectures leave choices out, a DARTS cell's dropped edges, has
// a tighter upper end). Also as "a-b ms".
std::pair<double, double> PredictedBounds(const LatencyTable& table);
std::string PredictedRange(const LatencyTable& table);

}  // namespace nas

#endif  // NAS_ANALYSIS_LATENCY_BUDGET_H_
