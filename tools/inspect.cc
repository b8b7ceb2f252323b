#include "tools/inspect.h"

#include <utility>

#include <torch/nn/module.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nas/analysis/flops.h"
#include "nas/base/status.h"
#include "nas/core/architecture.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/space_registry.h"

namespace nas::tools {

absl::StatusOr<Json> Inspect(const InspectOptions& options) {
  if (options.space.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--space is required; registered: ",
                                                   absl::StrJoin(SpaceRegistry().Names(), ", ")));
  }
  NAS_ASSIGN_OR_RETURN(SpaceFactory factory, SpaceRegistry().Lookup(options.space));
  NAS_ASSIGN_OR_RETURN(BuiltSpace built, factory(options.space_options));
  Json report = {{"space", options.space}};
  std::vector<int64_t> input_shape = {1};
  input_shape.insert(input_shape.end(), built.input_shape.begin(), built.input_shape.end());
  report["input_shape"] = input_shape;

  if (options.architecture.empty()) {
    NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(*built.model));
    int64_t parameters = 0;
    for (const at::Tensor& p : built.model->parameters()) parameters += p.numel();
    report["choices"] = space.choices().size();
    report["supernet_parameters"] = parameters;
    return report;
  }

  NAS_ASSIGN_OR_RETURN(Architecture arch, ReadArchitecture(options.architecture));
  NAS_RETURN_IF_ERROR(Annotate(ApplyFixedArchitecture(*built.model, arch), options.architecture));
  NAS_ASSIGN_OR_RETURN(ModelCost cost, CountCost(*built.model, built.forward, built.input_shape));
  report["architecture"] = options.architecture;
  report["flops"] = cost.macs;
  report["parameters"] = cost.parameters;
  return report;
}

}  // namespace nas::tools
