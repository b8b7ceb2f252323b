// Small models with choices, for tests and the mutator conformance suite.
// Each covers a different part of the mutable API:
//
// | model         | covers                                                  |
// |---------------|---------------------------------------------------------|
// | ToyChainNet   | layer choices, a key shared by two choices, named and   |
// |               | unnamed candidates, default (path) keys                 |
// | ToyCellNet    | a MutableScope, input choices by source key with        |
// |               | n_chosen = 1, with n_chosen unset, and a missing input  |
// | ToyNestedNet  | choices deep in nested modules and a Sequential         |
//
// Input: {batch, 3, 8, 8}; output: {batch, 4} logits.
#ifndef NAS_TESTING_TOY_SPACES_H_
#define NAS_TESTING_TOY_SPACES_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/nn/module.h>

namespace nas::testing {

struct ToySpace {
  std::string name;
  std::function<std::shared_ptr<torch::nn::Module>()> make;
  std::function<at::Tensor(torch::nn::Module&, const at::Tensor&)> forward;
};

// All toy spaces.
std::vector<ToySpace> ToySpaces();

// A batch for the toy spaces.
at::Tensor ToyInput(int64_t batch = 2);

}  // namespace nas::testing

#endif  // NAS_TESTING_TOY_SPACES_H_
