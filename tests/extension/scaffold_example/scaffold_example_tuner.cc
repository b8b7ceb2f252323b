#include "tests/extension/scaffold_example/scaffold_example_tuner.h"

#include <ATen/ATen.h>

#include "nas/base/status.h"
#include "nas/core/parameters.h"
#include "nas/core/uniform_sampling.h"

namespace nas::scaffold_example {

absl::StatusOr<ScaffoldExampleTunerOptions> ScaffoldExampleTunerOptionsFromJson(const Json& j) {
  ScaffoldExampleTunerOptions options;
  JsonObjectReader r(j, "scaffold_example tuner options");
  r.Optional("max_attempts", &options.max_attempts);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (options.max_attempts < 1) {
    return absl::InvalidArgumentError("scaffold_example tuner options.max_attempts must be >= 1");
  }
  return options;
}

ScaffoldExampleTuner::ScaffoldExampleTuner(ScaffoldExampleTunerOptions options, uint64_t seed)
    : options_(options), rng_(seed) {}

absl::Status ScaffoldExampleTuner::update_search_space(const SearchSpace& space) {
  if (space.choices().empty()) {
    return absl::InvalidArgumentError("scaffold_example tuner: the search space has no choices");
  }
  space_ = space;
  has_space_ = true;
  proposed_.clear();
  return absl::OkStatus();
}

absl::StatusOr<Json> ScaffoldExampleTuner::generate_parameters(int64_t parameter_id) {
  if (!has_space_) {
    return absl::FailedPreconditionError(
        "scaffold_example tuner: update_search_space() was not called");
  }
  // TODO: your proposals. Parameters are NNI's {"key": {"_value", "_idx"}};
  // build them from decisions as below.
  Json params;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    Decisions decisions = SampleUniformDecisions(space_, rng_);
    NAS_ASSIGN_OR_RETURN(params, ParametersFromArchitecture(
                                     Architecture::from_decisions(decisions, space_), space_));
    if (!proposed_.count(params.dump())) break;
  }
  proposed_.insert(params.dump());
  return params;
}

absl::Status ScaffoldExampleTuner::receive_trial_result(int64_t parameter_id,
                                                        const Json& parameters, double value) {
  // TODO: learn from the result (higher is better).
  if (best_parameters_.is_null() || value > best_value_) {
    best_parameters_ = parameters;
    best_value_ = value;
  }
  return absl::OkStatus();
}

namespace {

absl::StatusOr<std::unique_ptr<Tuner>> MakeScaffoldExampleTuner(const TunerConfig& config) {
  NAS_ASSIGN_OR_RETURN(ScaffoldExampleTunerOptions options,
                       ScaffoldExampleTunerOptionsFromJson(config.options));
  return std::unique_ptr<Tuner>(std::make_unique<ScaffoldExampleTuner>(options, config.seed));
}

}  // namespace
}  // namespace nas::scaffold_example

NAS_REGISTER(nas::TunerRegistry(), "scaffold_example",
             &nas::scaffold_example::MakeScaffoldExampleTuner);
