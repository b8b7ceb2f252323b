#include "algorithms/random/search.h"

#include <cstdio>

#include <torch/torch.h>

#include "absl/strings/str_format.h"
#include "algorithms/random/random_mutator.h"
#include "nas/base/file.h"
#include "nas/base/status.h"
#include "nas/core/space_registry.h"

namespace nas::random {

absl::Status SearchOptionsFromJson(const Json& j, SearchOptions* out) {
  JsonObjectReader r(j, "config");
  r.Optional("space", &out->space)
      .Optional("space_options", &out->space_options)
      .Optional("num_samples", &out->num_samples)
      .Optional("seed", &out->seed)
      .Optional("output_dir", &out->output_dir);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (out->num_samples < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("num_samples must be >= 1, got ", out->num_samples));
  }
  return absl::OkStatus();
}

Json SearchOptionsToJson(const SearchOptions& o) {
  return {{"space", o.space},         {"space_options", o.space_options},
          {"num_samples", o.num_samples}, {"seed", o.seed},
          {"output_dir", o.output_dir}};
}

absl::Status RunSearch(const SearchOptions& options) {
  NAS_ASSIGN_OR_RETURN(SpaceFactory factory, SpaceRegistry().Lookup(options.space));
  NAS_ASSIGN_OR_RETURN(BuiltSpace built, factory(options.space_options));
  torch::manual_seed(options.seed);
  const std::string dir = options.output_dir;
  NAS_RETURN_IF_ERROR(MakeDirs(dir));
  NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(dir, "config.json"), SearchOptionsToJson(options)));
  return CatchExceptions([&]() -> absl::Status {
    RandomMutator mutator(built.model, options.seed);
    NAS_RETURN_IF_ERROR(
        WriteJsonFile(JoinPath(dir, "search_space.json"), mutator.search_space().to_json()));
    std::vector<int64_t> shape = {2};
    shape.insert(shape.end(), built.input_shape.begin(), built.input_shape.end());
    at::Tensor probe = torch::zeros(shape);
    built.model->eval();
    torch::NoGradGuard no_grad;
    for (int i = 0; i < options.num_samples; ++i) {
      mutator.reset();
      at::Tensor out = built.forward(probe);  // the architecture must run
      Architecture arch = Architecture::from_decisions(mutator.decisions(), mutator.search_space());
      std::string path = JoinPath(dir, absl::StrFormat("arch_%03d.json", i));
      NAS_RETURN_IF_ERROR(WriteArchitecture(path, arch));
      printf("%s  %s  output %s\n", path.c_str(), arch.to_json().dump().c_str(),
             c10::str(out.sizes()).c_str());
    }
    return absl::OkStatus();
  });
}

}  // namespace nas::random
