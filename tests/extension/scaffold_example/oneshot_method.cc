// "scaffold_example", registered as a one-shot method (nas/jobs/oneshot_method.h),
// so that the benchmark's comparison (//tools/benchmark:compare) judges it
// beside every other method: the supernet trained by ScaffoldExampleTrainer, then
// the package's search (the "scaffold_example" tuner over architectures scored on
// the supernet); the best architecture found is the result.
//
//   options: the "scaffold_example" member of :search's configuration
//            ({"optimizer": {...}, "search": {...}}; {} = its defaults)
#include "nas/jobs/oneshot_method.h"
#include "tests/extension/scaffold_example/search_job.h"

namespace nas::scaffold_example {
namespace {

absl::StatusOr<OneShotResult> SearchScaffoldExample(const OneShotRequest& r) {
  ScaffoldExampleOptions options = SearchConfigSchema().presets.front().second().algorithm;
  NAS_RETURN_IF_ERROR(
      ScaffoldExampleOptionsFromJson(r.options, "scaffold_example options", &options));
  options.optimizer.seed = r.seed;
  return TrainThenSearch<ScaffoldExampleTrainer>(r, "scaffold_example", options.optimizer,
                                                 options.search);
}

}  // namespace
}  // namespace nas::scaffold_example

NAS_REGISTER(nas::OneShotMethodRegistry(), "scaffold_example",
             (nas::OneShotMethod{"scaffold_example: the package's supernet, then its tuner on it",
                                 &nas::scaffold_example::SearchScaffoldExample}));
