#include "nas/jobs/job_latency_table.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/jobs/supernet_job.h"

namespace nas {

absl::StatusOr<std::shared_ptr<const LatencyTable>> JobLatencyTable(
    const std::string& space, const Json& space_options, const LatencyBudget& budget, uint64_t seed,
    const std::string& output_dir, int world_size) {
  const std::string path = !budget.table.empty() ? ResolveUserPath(budget.table)
                           : output_dir.empty()  ? ""
                                                 : JoinPath(output_dir, kLatencyTableFile);
  if (world_size > 1 && (path.empty() || !FileExists(path))) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a latency budget with ", world_size,
        " processes needs its latency table measured beforehand (every rank must use the same "
        "one): measure it with one process, or with //tools:latency --space=",
        space, " --space_options='", space_options.dump(), "' --batch=", budget.batch,
        " --table=PATH, and pass latency_table=PATH"));
  }
  SpaceMaker make = [&] { return BuildSpace(space, space_options, seed); };
  LatencyOptions options;
  options.batch = budget.batch;
  options.seed = seed;
  const Json key = {{"space", space}, {"space_options", space_options}};
  LatencyTable table;
  if (path.empty()) {
    NAS_ASSIGN_OR_RETURN(table, MeasureLatencyTable(make, key, options));
  } else {
    NAS_ASSIGN_OR_RETURN(
        table, Annotate(LoadOrMeasureLatencyTable(path, make, key, options), "latency_table"));
  }
  LOG(INFO) << "latency budget " << budget.budget_ms << " ms at batch " << budget.batch << " on "
            << space << ": architectures predicted at " << PredictedRange(table) << " (table "
            << (path.empty() ? "not kept" : path) << ")";
  return std::make_shared<const LatencyTable>(std::move(table));
}

}  // namespace nas
