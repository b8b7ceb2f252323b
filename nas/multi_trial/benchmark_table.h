// A tabular benchmark: every architecture of a small space trained, its
// results per seed, read back to score searches against the truth in
// milliseconds (NAS-Bench-201's method; algorithms/nasbench has ours).
//
// The file is JSON lines: a header, then one row per architecture.
//
//   {"format": "oneshot_nas.benchmark_table.v1", "space": "nasbench_cell",
//    "space_options": {...}, "search_space": {...NNI search space...},
//    "protocol": {...how every architecture was trained...},
//    "rows": 216, "rows_sha256": "<SHA-256 of the row lines>", ...}
//   {"architecture": {"e0_1": "conv_3x3", ...}, "name": "|conv_3x3~0|+...",
//    "flops": 1.2e6, "parameters": 3042, "train_seconds": 21.3,
//    "runs": [{"seed": 7, "valid_accuracy": 0.86, "test_accuracy": 0.85,
//              "train_loss": 0.41}, ...]}
//
// `train_seconds` is what a search is charged for training the
// architecture once (the generator measures it alone on the machine, so
// that other load does not distort it). Reading checks the format, that
// every row parses and fits the search space, that no architecture appears
// twice, and the row count and digest, so a truncated or edited table is an
// error naming the file. Other header members (the code version, the
// creation time, notes) are kept as they are.
#ifndef NAS_MULTI_TRIAL_BENCHMARK_TABLE_H_
#define NAS_MULTI_TRIAL_BENCHMARK_TABLE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/architecture.h"
#include "nas/core/search_space.h"
#include "nas/multi_trial/evaluator.h"

namespace nas {

inline constexpr char kBenchmarkTableFormat[] = "oneshot_nas.benchmark_table.v1";

struct BenchmarkRun {
  uint64_t seed = 0;
  double valid_accuracy = 0;
  double test_accuracy = 0;
  double train_loss = 0;
};

struct BenchmarkRow {
  Architecture architecture;
  std::string name;  // the space's readable string (may be empty)
  double flops = 0;
  double parameters = 0;
  double train_seconds = 0;
  std::vector<BenchmarkRun> runs;

  double mean_valid_accuracy() const;
  double mean_test_accuracy() const;
};

Json BenchmarkRowToJson(const BenchmarkRow& row);

class BenchmarkTable {
 public:
  // `header` needs "space" and "search_space"; "format", "rows" and
  // "rows_sha256" are set when writing.
  static absl::StatusOr<BenchmarkTable> Create(Json header, std::vector<BenchmarkRow> rows);
  // NotFound for a missing file; DataLoss for a truncated or damaged one;
  // InvalidArgument naming the line for a malformed one.
  static absl::StatusOr<BenchmarkTable> Read(const std::string& path);
  // Atomically (temp file + rename).
  absl::Status Write(const std::string& path) const;

  const Json& header() const { return header_; }
  const std::string& space() const { return space_; }
  const SearchSpace& search_space() const { return search_space_; }
  const std::vector<BenchmarkRow>& rows() const { return rows_; }

  // The row of an architecture (names, indices, any form that resolves in
  // the search space); NotFound naming it when the table has none,
  // InvalidArgument when it does not fit the space.
  absl::StatusOr<const BenchmarkRow*> find(const Architecture& architecture) const;
  // The same for NNI parameters ({"key": {"_value", "_idx"}}).
  absl::StatusOr<const BenchmarkRow*> find_parameters(const Json& parameters) const;

 private:
  absl::StatusOr<std::string> key_of(const Architecture& architecture) const;

  Json header_;
  std::string space_;
  SearchSpace search_space_;
  std::vector<BenchmarkRow> rows_;
  std::map<std::string, size_t> index_;
};

// Answers trials from a table: the validation accuracy of one of the
// architecture's runs (picked by the trial's seed) is the trial's value,
// and the row's train_seconds are charged to a simulated clock, so tuners
// are compared at equal simulated time, as NAS-Bench-201 compares them.
// Thread-safe. The report's metrics hold the run's and the mean test
// accuracy ("test_accuracy", "mean_test_accuracy") and "train_seconds".
class TableEvaluator : public Evaluator {
 public:
  explicit TableEvaluator(const BenchmarkTable* table) : table_(table) {}
  TrialOutcome evaluate(const TrialRequest& trial) override;
  double simulated_seconds() const;

 private:
  const BenchmarkTable* table_;
  mutable std::mutex mu_;
  double simulated_seconds_ = 0;
};

}  // namespace nas

#endif  // NAS_MULTI_TRIAL_BENCHMARK_TABLE_H_
