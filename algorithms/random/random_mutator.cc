#include "algorithms/random/random_mutator.h"

#include <algorithm>
#include <numeric>
#include <sstream>

#include <ATen/ATen.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

namespace nas::random {

at::Tensor SampleUniform(const ChoiceSpec& spec, std::mt19937_64& rng) {
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

RandomMutator::RandomMutator(std::shared_ptr<torch::nn::Module> model, uint64_t seed)
    : Mutator(std::move(model)), rng_(seed) {}

Decisions RandomMutator::sample_search() {
  Decisions decisions;
  for (const auto& spec : search_space().choices()) decisions[spec.key] = SampleUniform(spec, rng_);
  return decisions;
}

void RandomMutator::save(torch::serialize::OutputArchive& archive) const {
  std::ostringstream state;
  state << rng_;
  archive.write("random_mutator.rng", c10::IValue(state.str()));
}

void RandomMutator::load(torch::serialize::InputArchive& archive) {
  c10::IValue value;
  archive.read("random_mutator.rng", value);
  std::istringstream state(value.toStringRef());
  state >> rng_;
  TORCH_CHECK(!state.fail(), "corrupt random_mutator.rng state in checkpoint");
}

}  // namespace nas::random
