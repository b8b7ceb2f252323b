#include "nas/core/uniform_sampling.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include <ATen/ATen.h>

namespace nas {

at::Tensor SampleUniformDecision(const ChoiceSpec& spec, std::mt19937_64& rng) {
  at::Tensor mask = at::zeros({spec.size()}, at::kBool);
  bool* on = mask.data_ptr<bool>();
  if (spec.kind == MutableKind::kLayerChoice) {
    on[std::uniform_int_distribution<int64_t>(0, spec.size() - 1)(rng)] = true;
  } else if (!spec.n_chosen.has_value()) {
    for (int64_t i = 0; i < spec.size(); ++i) on[i] = (rng() & 1) != 0;
  } else {
    std::vector<int64_t> order(spec.size());
    std::iota(order.begin(), order.end(), 0);
    // Partial Fisher-Yates: the first k entries are a uniform k-subset.
    for (int64_t i = 0; i < *spec.n_chosen; ++i) {
      int64_t j = std::uniform_int_distribution<int64_t>(i, spec.size() - 1)(rng);
      std::swap(order[i], order[j]);
      on[order[i]] = true;
    }
  }
  return mask;
}

Decisions SampleUniformDecisions(const SearchSpace& space, std::mt19937_64& rng) {
  Decisions decisions;
  for (const auto& spec : space.choices()) decisions[spec.key] = SampleUniformDecision(spec, rng);
  return decisions;
}

}  // namespace nas
