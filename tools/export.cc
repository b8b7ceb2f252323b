#include "tools/export.h"

#include <random>

#include <torch/nn/module.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nas/base/status.h"
#include "nas/core/architecture.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/space_registry.h"
#include "nas/core/uniform_sampling.h"
#include "nas/export/export_model.h"

namespace nas::tools {

absl::StatusOr<Json> RunExport(const ExportToolOptions& o) {
  if (o.space.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--space is required; registered: ",
                                                   absl::StrJoin(SpaceRegistry().Names(), ", ")));
  }
  if (o.architecture.empty() == !o.random_architecture) {
    return absl::InvalidArgumentError(
        o.random_architecture ? "--architecture and --random_architecture exclude each other"
                              : "--architecture is required");
  }
  if (o.output_dir.empty()) return absl::InvalidArgumentError("--output_dir is required");
  if (o.weights.empty() == !o.random_weights) {
    return absl::InvalidArgumentError(
        o.random_weights ? "--weights and --random_weights exclude each other"
                         : "--weights is required (a retraining's model.pt, or a supernet.pt "
                           "with --from_supernet); --random_weights exports the initial weights");
  }
  if (o.from_supernet && o.weights.empty()) {
    return absl::InvalidArgumentError("--from_supernet needs --weights (the supernet.pt)");
  }
  NAS_ASSIGN_OR_RETURN(SpaceFactory factory, SpaceRegistry().Lookup(o.space));
  torch::manual_seed(o.seed);
  NAS_ASSIGN_OR_RETURN(BuiltSpace built, factory(o.space_options));
  Architecture arch;
  if (o.random_architecture) {
    NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(*built.model));
    std::mt19937_64 rng(o.seed);
    arch = Architecture::from_decisions(SampleUniformDecisions(space, rng), space);
  } else {
    NAS_ASSIGN_OR_RETURN(arch, ReadArchitecture(o.architecture));
  }
  NAS_RETURN_IF_ERROR(
      Annotate(ApplyFixedArchitecture(*built.model, arch),
               o.random_architecture ? "the sampled architecture" : o.architecture));
  if (!o.weights.empty()) {
    NAS_RETURN_IF_ERROR(Annotate(
        LoadWeights(*built.model, o.weights,
                    o.from_supernet ? WeightLoad::kInheritFromSupernet : WeightLoad::kExact),
        o.from_supernet ? "--weights (a supernet's, --from_supernet)"
                        : "--weights (a fixed child's; a supernet.pt needs --from_supernet)"));
  }
  ExportOptions options;
  options.batch = o.batch;
  options.seed = o.seed;
  options.extra = {{"space", o.space},
                   {"space_options", o.space_options},
                   {"architecture", arch.to_json()},
                   {"weights", o.random_weights ? Json("random initial weights") : Json(o.weights)},
                   {"from_supernet", o.from_supernet}};
  NAS_ASSIGN_OR_RETURN(ExportReport report, ExportModel(*built.model, built.forward,
                                                        built.input_shape, o.output_dir, options));
  return ExportReportToJson(report);
}

}  // namespace nas::tools
