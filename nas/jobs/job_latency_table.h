// The latency table a job's budgeted search uses: the deployed network's,
// measured on this machine and kept with the run (nas/analysis/latency_table.h,
// nas/analysis/latency_budget.h).
//
//   NAS_ASSIGN_OR_RETURN(std::shared_ptr<const LatencyTable> table,
//                        JobLatencyTable(space, space_options, budget, seed, output_dir,
//                                        world_size));
#ifndef NAS_JOBS_JOB_LATENCY_TABLE_H_
#define NAS_JOBS_JOB_LATENCY_TABLE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "nas/analysis/latency_budget.h"
#include "nas/analysis/latency_table.h"
#include "nas/base/json.h"

namespace nas {

inline constexpr char kLatencyTableFile[] = "latency_table.json";

// The table of `space` with `space_options` at the budget's batch: read
// from budget.table (or kLatencyTableFile in output_dir) when it was
// measured for this machine and key, else measured and written there (so a
// resumed run applies the same table). A run of several processes needs
// the file measured beforehand (every rank must apply the same table); the
// error says how.
absl::StatusOr<std::shared_ptr<const LatencyTable>> JobLatencyTable(
    const std::string& space, const Json& space_options, const LatencyBudget& budget, uint64_t seed,
    const std::string& output_dir, int world_size);

}  // namespace nas

#endif  // NAS_JOBS_JOB_LATENCY_TABLE_H_
