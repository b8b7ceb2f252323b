#include "tests/extension/scaffold_example/scaffold_example_mutator.h"

#include <sstream>

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "nas/core/uniform_sampling.h"

namespace nas::scaffold_example {

ScaffoldExampleMutator::ScaffoldExampleMutator(std::shared_ptr<torch::nn::Module> model,
                                               uint64_t seed)
    : Mutator(std::move(model)), rng_(seed) {}

Decisions ScaffoldExampleMutator::sample_search() {
  // TODO: your sampling. One bool mask (run the selected candidates) or
  // float mask (weighted sum) per key of search_space().
  return SampleUniformDecisions(search_space(), rng_);
}

Decisions ScaffoldExampleMutator::sample_final() {
  // TODO: the architecture your algorithm exports (e.g. the argmax of
  // learned weights). A uniform sample until then.
  return SampleUniformDecisions(search_space(), rng_);
}

void ScaffoldExampleMutator::save(torch::serialize::OutputArchive& archive) const {
  std::ostringstream state;
  state << rng_;
  archive.write("scaffold_example_mutator_rng", c10::IValue(state.str()));
}

void ScaffoldExampleMutator::load(torch::serialize::InputArchive& archive) {
  c10::IValue value;
  archive.read("scaffold_example_mutator_rng", value);
  std::istringstream state(value.toStringRef());
  state >> rng_;
  TORCH_CHECK(!state.fail(), "corrupt scaffold_example_mutator_rng state in checkpoint");
}

}  // namespace nas::scaffold_example
