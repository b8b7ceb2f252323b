#include "nas/tuners/evolution_tuner.h"

#include <algorithm>
#include <numeric>

#include <ATen/ATen.h>

#include "absl/strings/str_cat.h"
#include "nas/base/status.h"
#include "nas/core/parameters.h"
#include "nas/core/uniform_sampling.h"

namespace nas {
namespace {

int64_t Uniform(std::mt19937_64& rng, int64_t n) {
  return std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
}

}  // namespace

absl::StatusOr<EvolutionTunerOptions> EvolutionTunerOptionsFromJson(const Json& j) {
  EvolutionTunerOptions o;
  JsonObjectReader r(j, "evolution tuner options");
  r.Optional("population_size", &o.population_size)
      .Optional("sample_size", &o.sample_size)
      .Optional("dedup_attempts", &o.dedup_attempts);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (o.population_size < 1 || o.sample_size < 1 || o.sample_size > o.population_size ||
      o.dedup_attempts < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("evolution tuner options: need population_size >= 1, 1 <= sample_size <= "
                     "population_size, dedup_attempts >= 1; got population_size ",
                     o.population_size, ", sample_size ", o.sample_size));
  }
  return o;
}

EvolutionTuner::EvolutionTuner(EvolutionTunerOptions options, uint64_t seed)
    : options_(options), rng_(seed) {}

absl::Status EvolutionTuner::update_search_space(const SearchSpace& space) {
  if (space.choices().empty()) {
    return absl::InvalidArgumentError("evolution tuner: the search space has no choices");
  }
  space_ = space;
  has_space_ = true;
  population_.clear();
  proposed_.clear();
  proposed_count_ = 0;
  return absl::OkStatus();
}

Decisions EvolutionTuner::mutate(const Decisions& parent) {
  Decisions child;
  for (const auto& [key, mask] : parent) child[key] = mask.clone();
  // Pick a decision that can change (a one-candidate choice cannot).
  std::vector<const ChoiceSpec*> mutable_specs;
  for (const auto& spec : space_.choices()) {
    bool fixed_input = spec.kind == MutableKind::kInputChoice && spec.n_chosen &&
                       (*spec.n_chosen == 0 || *spec.n_chosen == spec.size());
    if (spec.size() > 1 && !fixed_input) mutable_specs.push_back(&spec);
    if (spec.kind == MutableKind::kInputChoice && !spec.n_chosen && spec.size() == 1) {
      mutable_specs.push_back(&spec);
    }
  }
  if (mutable_specs.empty()) return child;
  const ChoiceSpec& spec = *mutable_specs[Uniform(rng_, mutable_specs.size())];
  bool* on = child[spec.key].data_ptr<bool>();
  if (spec.kind == MutableKind::kLayerChoice) {
    int64_t current = std::find(on, on + spec.size(), true) - on;
    int64_t next = Uniform(rng_, spec.size() - 1);
    if (next >= current) ++next;
    std::fill(on, on + spec.size(), false);
    on[next] = true;
  } else if (!spec.n_chosen) {
    int64_t i = Uniform(rng_, spec.size());
    on[i] = !on[i];
  } else {
    std::vector<int64_t> chosen, free;
    for (int64_t i = 0; i < spec.size(); ++i) (on[i] ? chosen : free).push_back(i);
    on[chosen[Uniform(rng_, chosen.size())]] = false;
    on[free[Uniform(rng_, free.size())]] = true;
  }
  return child;
}

absl::StatusOr<Json> EvolutionTuner::to_parameters(const Decisions& decisions) const {
  return ParametersFromArchitecture(Architecture::from_decisions(decisions, space_), space_);
}

absl::StatusOr<Json> EvolutionTuner::generate_parameters(int64_t parameter_id) {
  if (!has_space_) {
    return absl::FailedPreconditionError("evolution tuner: update_search_space() was not called");
  }
  Json params;
  for (int attempt = 0; attempt < options_.dedup_attempts; ++attempt) {
    Decisions candidate;
    if (proposed_count_ < options_.population_size || population_.empty()) {
      candidate = SampleUniformDecisions(space_, rng_);
    } else {
      // Tournament: the best of S members drawn without replacement.
      std::vector<size_t> idx(population_.size());
      std::iota(idx.begin(), idx.end(), 0);
      size_t s = std::min<size_t>(options_.sample_size, idx.size());
      const Member* best = nullptr;
      for (size_t i = 0; i < s; ++i) {
        std::swap(idx[i], idx[i + Uniform(rng_, idx.size() - i)]);
        const Member& m = population_[idx[i]];
        if (best == nullptr || m.value > best->value) best = &m;
      }
      candidate = mutate(best->decisions);
    }
    NAS_ASSIGN_OR_RETURN(params, to_parameters(candidate));
    if (!proposed_.count(params.dump())) break;
  }
  proposed_.insert(params.dump());
  ++proposed_count_;
  return params;
}

absl::Status EvolutionTuner::receive_trial_result(int64_t parameter_id, const Json& parameters,
                                                  double value) {
  NAS_ASSIGN_OR_RETURN(Architecture arch, ArchitectureFromParameters(parameters, space_));
  NAS_ASSIGN_OR_RETURN(Decisions decisions, arch.resolve(space_));
  population_.push_back({std::move(decisions), value});
  if (static_cast<int>(population_.size()) > options_.population_size) population_.pop_front();
  if (best_parameters_.is_null() || value > best_value_) {
    best_parameters_ = parameters;
    best_value_ = value;
  }
  return absl::OkStatus();
}

namespace {

absl::StatusOr<std::unique_ptr<Tuner>> MakeEvolutionTuner(const TunerConfig& config) {
  NAS_ASSIGN_OR_RETURN(EvolutionTunerOptions options,
                       EvolutionTunerOptionsFromJson(config.options));
  return std::unique_ptr<Tuner>(std::make_unique<EvolutionTuner>(options, config.seed));
}

}  // namespace
}  // namespace nas

NAS_REGISTER(nas::TunerRegistry(), "evolution", &nas::MakeEvolutionTuner);
