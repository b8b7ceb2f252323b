#include "algorithms/my_algo/my_algo_mutator.h"

#include <gtest/gtest.h>
#include <torch/nn/module.h>

#include "nas/testing/mutator_conformance.h"

namespace nas::my_algo {
namespace {

TEST(MyAlgoMutatorTest, Conformance) {
  testing::ExpectMutatorConformance([](std::shared_ptr<torch::nn::Module> model, uint64_t seed) {
    return std::make_unique<MyAlgoMutator>(model, seed);
  });
}

}  // namespace
}  // namespace nas::my_algo
