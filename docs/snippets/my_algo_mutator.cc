#include "algorithms/my_algo/my_algo_mutator.h"

#include <algorithm>
#include <numeric>
#include <sstream>
#include <vector>

#include <ATen/ATen.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

namespace nas::my_algo {

MyAlgoMutator::MyAlgoMutator(std::shared_ptr<torch::nn::Module> model, uint64_t seed)
    : Mutator(std::move(model)), rng_(seed) {}

Decisions MyAlgoMutator::sample_search() {
  Decisions decisions;
  for (const ChoiceSpec& spec : search_space().choices()) {
    at::Tensor mask = at::zeros({spec.size()}, at::kBool);
    if (spec.kind == MutableKind::kLayerChoice) {
      // One candidate, uniformly.
      mask[std::uniform_int_distribution<int64_t>(0, spec.size() - 1)(rng_)] = true;
    } else {
      // An InputChoice: n_chosen distinct inputs (or a coin flip for each
      // input when n_chosen is unset).
      std::vector<int64_t> order(spec.size());
      std::iota(order.begin(), order.end(), 0);
      std::shuffle(order.begin(), order.end(), rng_);
      int64_t k =
          spec.n_chosen.value_or(std::uniform_int_distribution<int64_t>(0, spec.size())(rng_));
      for (int64_t i = 0; i < k; ++i) mask[order[i]] = true;
    }
    decisions[spec.key] = mask;
  }
  return decisions;
}

Decisions MyAlgoMutator::sample_final() {
  // Random search exports a random architecture; a learning algorithm
  // returns its best one here (e.g. the argmax of learned logits).
  return sample_search();
}

void MyAlgoMutator::save(torch::serialize::OutputArchive& archive) const {
  std::ostringstream state;
  state << rng_;
  archive.write("my_algo_rng", c10::IValue(state.str()));
}

void MyAlgoMutator::load(torch::serialize::InputArchive& archive) {
  c10::IValue value;
  archive.read("my_algo_rng", value);
  std::istringstream state(value.toStringRef());
  state >> rng_;
  TORCH_CHECK(!state.fail(), "corrupt my_algo_rng state in checkpoint");
}

}  // namespace nas::my_algo
