#include "nas/tuners/grid_tuner.h"

#include <ATen/ATen.h>

#include "absl/strings/str_cat.h"
#include "nas/base/status.h"
#include "nas/core/architecture.h"
#include "nas/core/parameters.h"

namespace nas {
namespace {

constexpr int64_t kMaxArchitectures = 1'000'000;

// The k-subsets of {0..n-1} in lexicographic order.
void Combinations(int64_t n, int64_t k, int64_t from, std::vector<int64_t>& current,
                  std::vector<std::vector<int64_t>>* out) {
  if (static_cast<int64_t>(current.size()) == k) {
    out->push_back(current);
    return;
  }
  for (int64_t i = from; i < n; ++i) {
    current.push_back(i);
    Combinations(n, k, i + 1, current, out);
    current.pop_back();
  }
}

absl::StatusOr<std::vector<std::vector<int64_t>>> Selections(const ChoiceSpec& spec) {
  std::vector<std::vector<int64_t>> out;
  const int64_t n = spec.size();
  if (spec.kind == MutableKind::kLayerChoice) {
    for (int64_t i = 0; i < n; ++i) out.push_back({i});
  } else if (spec.n_chosen.has_value()) {
    std::vector<int64_t> current;
    Combinations(n, *spec.n_chosen, 0, current, &out);
  } else {
    if (n > 20) {
      return absl::InvalidArgumentError(absl::StrCat("grid tuner: input choice '", spec.key,
                                                     "' has ", n,
                                                     " inputs and no n_chosen: too many subsets"));
    }
    for (int64_t bits = 0; bits < (int64_t{1} << n); ++bits) {
      std::vector<int64_t> subset;
      for (int64_t i = 0; i < n; ++i) {
        if (bits & (int64_t{1} << i)) subset.push_back(i);
      }
      out.push_back(subset);
    }
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("grid tuner: choice '", spec.key, "' has no selection"));
  }
  return out;
}

}  // namespace

absl::StatusOr<GridTunerOptions> GridTunerOptionsFromJson(const Json& j) {
  GridTunerOptions o;
  JsonObjectReader r(j, "grid tuner options");
  r.Optional("repeats", &o.repeats);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (o.repeats < 1 || o.repeats > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("grid tuner options.repeats must be in [1, 1000], got ", o.repeats));
  }
  return o;
}

absl::Status GridTuner::update_search_space(const SearchSpace& space) {
  if (space.choices().empty())
    return absl::InvalidArgumentError("grid tuner: the search space has no choices");
  options_per_choice_.clear();
  int64_t total = 1;
  for (const ChoiceSpec& spec : space.choices()) {
    NAS_ASSIGN_OR_RETURN(std::vector<std::vector<int64_t>> selections, Selections(spec));
    total *= static_cast<int64_t>(selections.size());
    if (total > kMaxArchitectures) {
      return absl::InvalidArgumentError(absl::StrCat("grid tuner: the search space has more than ",
                                                     kMaxArchitectures, " architectures"));
    }
    options_per_choice_.push_back(std::move(selections));
  }
  space_ = space;
  total_ = total;
  next_ = 0;
  has_space_ = true;
  return absl::OkStatus();
}

absl::StatusOr<Json> GridTuner::generate_parameters(int64_t parameter_id) {
  if (!has_space_)
    return absl::FailedPreconditionError("grid tuner: update_search_space() was not called");
  if (next_ >= total_ * options_.repeats) {
    return absl::OutOfRangeError(absl::StrCat(
        "grid tuner: all ", total_, " architectures proposed ", options_.repeats, " time(s)"));
  }
  int64_t index = next_++ % total_;
  Decisions decisions;
  const auto& choices = space_.choices();
  for (int c = static_cast<int>(choices.size()) - 1; c >= 0; --c) {
    const auto& selections = options_per_choice_[c];
    const int64_t count = static_cast<int64_t>(selections.size());
    at::Tensor mask = at::zeros({choices[c].size()}, at::kBool);
    for (int64_t i : selections[index % count]) mask[i] = true;
    decisions[choices[c].key] = mask;
    index /= count;
  }
  return ParametersFromArchitecture(Architecture::from_decisions(decisions, space_), space_);
}

namespace {

absl::StatusOr<std::unique_ptr<Tuner>> MakeGridTuner(const TunerConfig& config) {
  NAS_ASSIGN_OR_RETURN(GridTunerOptions options, GridTunerOptionsFromJson(config.options));
  return std::unique_ptr<Tuner>(std::make_unique<GridTuner>(options));
}

}  // namespace
}  // namespace nas

NAS_REGISTER(nas::TunerRegistry(), "grid", &nas::MakeGridTuner);
