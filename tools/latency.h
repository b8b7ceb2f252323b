// //tools:latency: the latency table of a registered space on this machine
// (nas/analysis/latency_table.h), an architecture's predicted latency, and
// how well the table predicts whole networks.
//
//   tools/bazel run //tools:latency -- --space=spos_shufflenet --table=$PWD/latency.json --check=10
//
// --table caches the measurement (measured again when the machine, the
// LibTorch version, the space options or the batch differ). --architecture
// adds that architecture's prediction. --check=N samples N architectures
// (seeded) and measures each one whole, exported as TorchScript (the
// network a deployment runs) and as the C++ fixed model, against the
// table's prediction: per architecture, then Pearson's r, Kendall's tau and
// the mean absolute and relative errors.
#ifndef TOOLS_LATENCY_H_
#define TOOLS_LATENCY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "nas/analysis/latency_table.h"
#include "nas/base/json.h"

namespace nas::tools {

struct LatencyToolOptions {
  std::string space;
  Json space_options = Json::object();
  std::string table;         // cache file ("" = measure, keep nothing)
  std::string architecture;  // "" = none
  int check = 0;             // architectures to measure whole
  LatencyOptions latency;    // batch, warm-up, repetitions, seed
};

absl::StatusOr<Json> RunLatency(const LatencyToolOptions& options);

}  // namespace nas::tools

#endif  // TOOLS_LATENCY_H_
