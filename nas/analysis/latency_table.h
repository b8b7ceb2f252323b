// Latency tables: what each candidate of each layer choice costs on this
// machine, measured where it sits in the network, so that the latency of
// any architecture of a space is predicted without building it (the
// ProxylessNAS / FBNet recipe; NNI users asked for it in #4699).
//
//   LatencyOptions options;                   // batch 1, 3 warm-up calls, median of 21
//   NAS_ASSIGN_OR_RETURN(LatencyTable table, MeasureLatencyTable(make_space, key, options));
//   NAS_ASSIGN_OR_RETURN(double ms, table.predict(decisions));   // rest + sum of candidates
//
// How: the supernet is bound to a profiling mutator and run once (eval
// mode, no gradients) on a batch of the options' size; each layer choice,
// when reached, times every one of its candidates on the very input it
// received (warm-up calls, then the median of repetitions), then lets one
// sampled candidate continue. What lies outside the layer choices (stem,
// head, input choices' sums) is `rest_ms`: the measured latency of a whole
// fixed child minus the sum of its candidates' entries (at least 0).
//
// A key shared by several layer choices (DARTS's cells of one type) sums
// its choices: each entry is the candidate's total over every position.
//
// Tables are cached as JSON (WriteLatencyTable / ReadLatencyTable) with a
// key naming the machine (CPU model, threads), the LibTorch version, the
// space and its options and the batch: LoadOrMeasureLatencyTable measures
// again when any of them differs.
#ifndef NAS_ANALYSIS_LATENCY_TABLE_H_
#define NAS_ANALYSIS_LATENCY_TABLE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/search_space.h"
#include "nas/core/space_registry.h"

namespace nas {

struct LatencyOptions {
  int64_t batch = 1;
  int warmup = 3;
  int repetitions = 21;
  uint64_t seed = 0;  // of the input and of the sampled path
  // Milliseconds of one call of its argument; unset = MedianMilliseconds
  // with warmup and repetitions. A CUDA timer synchronizes the device
  // around the call; tests count calls.
  std::function<double(const std::function<void()>&)> timer;
};
absl::Status ValidateLatencyOptions(const LatencyOptions& options);

// Median wall time of fn() in milliseconds, after `warmup` calls.
double MedianMilliseconds(const std::function<void()>& fn, int warmup, int repetitions);

// {"cpu": "<model name>", "threads": N, "torch": "1.13.1"}: what a table's
// times depend on besides the space.
Json MachineKey();

struct LatencyTable {
  Json key = Json::object();
  // Per layer choice key: milliseconds of each candidate, in candidate order.
  std::map<std::string, std::vector<double>> candidates;
  std::map<std::string, std::vector<std::string>> names;
  double rest_ms = 0;

  // rest_ms + the chosen candidates' entries (a mask may select several:
  // their entries add up; one that selects nothing, a DARTS cell's dropped
  // edge, costs nothing). Every layer choice of the table needs a decision;
  // input choices cost nothing of their own.
  absl::StatusOr<double> predict(const Decisions& decisions) const;

  // The differentiable expectation a weight-sharing search penalises
  // (ProxylessNAS): rest_ms + sum over layer choices of
  // share[key] * (weights[key] . entries). `weights` holds a probability
  // vector per layer-choice key (softmax(alpha)); `share` (default 1) is the
  // probability that the exported architecture runs the choice at all (a
  // DARTS node keeps 2 of its k edges: 2 / k). The result carries the
  // weights' graph.
  absl::StatusOr<at::Tensor> expected(const std::map<std::string, at::Tensor>& weights,
                                      const std::map<std::string, double>& share = {}) const;
};

Json LatencyTableToJson(const LatencyTable& table);
absl::StatusOr<LatencyTable> LatencyTableFromJson(const Json& j, const std::string& source);
absl::Status WriteLatencyTable(const std::string& path, const LatencyTable& table);  // atomic
absl::StatusOr<LatencyTable> ReadLatencyTable(const std::string& path);

// Builds a fresh supernet (twice: the supernet and the fixed child of the
// rest measurement), so it must build the same space each call.
using SpaceMaker = std::function<absl::StatusOr<BuiltSpace>()>;

// `key`: the space's identity (e.g. {"space": ..., "space_options": ...});
// the table's key is it plus the batch and MachineKey().
absl::StatusOr<LatencyTable> MeasureLatencyTable(const SpaceMaker& make, const Json& key,
                                                 const LatencyOptions& options = {});

// The table cached at `path` when its key is the one this measurement
// would have; otherwise measured and written there. A file that is not a
// latency table is an error naming it (it is not overwritten).
absl::StatusOr<LatencyTable> LoadOrMeasureLatencyTable(const std::string& path,
                                                       const SpaceMaker& make, const Json& key,
                                                       const LatencyOptions& options = {});

}  // namespace nas

#endif  // NAS_ANALYSIS_LATENCY_TABLE_H_
