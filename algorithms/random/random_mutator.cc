#include "algorithms/random/random_mutator.h"

#include <sstream>

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "nas/core/uniform_sampling.h"

namespace nas::random {

RandomMutator::RandomMutator(std::shared_ptr<torch::nn::Module> model, uint64_t seed)
    : Mutator(std::move(model)), rng_(seed) {}

Decisions RandomMutator::sample_search() { return SampleUniformDecisions(search_space(), rng_); }

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
