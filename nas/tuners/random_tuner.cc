#include "nas/tuners/random_tuner.h"

#include <ATen/ATen.h>

#include "nas/base/status.h"
#include "nas/core/parameters.h"
#include "nas/core/uniform_sampling.h"

namespace nas {

absl::StatusOr<RandomTunerOptions> RandomTunerOptionsFromJson(const Json& j) {
  RandomTunerOptions options;
  JsonObjectReader r(j, "random tuner options");
  r.Optional("dedup", &options.dedup).Optional("max_attempts", &options.max_attempts);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (options.max_attempts < 1) {
    return absl::InvalidArgumentError("random tuner options.max_attempts must be >= 1");
  }
  return options;
}

RandomTuner::RandomTuner(RandomTunerOptions options, uint64_t seed)
    : options_(options), rng_(seed) {}

absl::Status RandomTuner::update_search_space(const SearchSpace& space) {
  if (space.choices().empty()) {
    return absl::InvalidArgumentError("random tuner: the search space has no choices");
  }
  space_ = space;
  has_space_ = true;
  proposed_.clear();
  return absl::OkStatus();
}

absl::StatusOr<Json> RandomTuner::generate_parameters(int64_t parameter_id) {
  if (!has_space_) {
    return absl::FailedPreconditionError("random tuner: update_search_space() was not called");
  }
  Json params;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    Decisions decisions = SampleUniformDecisions(space_, rng_);
    NAS_ASSIGN_OR_RETURN(params, ParametersFromArchitecture(
                                     Architecture::from_decisions(decisions, space_), space_));
    if (!options_.dedup || !proposed_.count(params.dump())) break;
  }
  proposed_.insert(params.dump());
  return params;
}

absl::Status RandomTuner::receive_trial_result(int64_t parameter_id, const Json& parameters,
                                               double value) {
  if (best_parameters_.is_null() || value > best_value_) {
    best_parameters_ = parameters;
    best_value_ = value;
  }
  return absl::OkStatus();
}

namespace {

absl::StatusOr<std::unique_ptr<Tuner>> MakeRandomTuner(const TunerConfig& config) {
  NAS_ASSIGN_OR_RETURN(RandomTunerOptions options, RandomTunerOptionsFromJson(config.options));
  return std::unique_ptr<Tuner>(std::make_unique<RandomTuner>(options, config.seed));
}

}  // namespace
}  // namespace nas

NAS_REGISTER(nas::TunerRegistry(), "random", &nas::MakeRandomTuner);
