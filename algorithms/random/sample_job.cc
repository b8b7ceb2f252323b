#include "algorithms/random/sample_job.h"

#include <cstdio>

#include <torch/nn/module.h>
#include <torch/utils.h>

#include "absl/strings/str_format.h"
#include "algorithms/random/random_mutator.h"
#include "nas/base/file.h"
#include "nas/base/status.h"
#include "nas/jobs/supernet_job.h"

namespace nas::random {

absl::StatusOr<SampleOptions> SampleOptionsFromJson(const Json& j, const std::string& source) {
  SampleOptions o;
  JsonObjectReader r(j, source);
  std::string preset;
  r.Optional("preset", &preset)
      .Optional("space", &o.space)
      .Optional("space_options", &o.space_options)
      .Optional("num_samples", &o.num_samples)
      .Optional("seed", &o.seed);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (o.num_samples < 1 || o.num_samples > 100000) {
    return absl::InvalidArgumentError(absl::StrCat(JsonChildPath(source, "num_samples"),
                                                   " must be in [1, 100000], got ", o.num_samples));
  }
  return o;
}

Json SampleOptionsToJson(const SampleOptions& o) {
  return {{"space", o.space},
          {"space_options", o.space_options},
          {"num_samples", o.num_samples},
          {"seed", o.seed}};
}

absl::Status RunSampleJob(const SampleOptions& options, const std::string& dir) {
  NAS_ASSIGN_OR_RETURN(BuiltSpace built,
                       BuildSpace(options.space, options.space_options, options.seed));
  NAS_RETURN_IF_ERROR(MakeDirs(dir));
  NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(dir, "config.json"), SampleOptionsToJson(options)));
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
