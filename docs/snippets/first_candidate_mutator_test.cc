#include "algorithms/my_algo/first_candidate_mutator.h"

#include <gtest/gtest.h>
#include <torch/types.h>

#include "nas/testing/toy_spaces.h"

namespace nas::my_algo {
namespace {

TEST(FirstCandidateMutatorTest, RunsTheFirstCandidates) {
  for (const auto& toy : testing::ToySpaces()) {
    auto model = toy.make();
    FirstCandidateMutator mutator(model);  // binds; no reset() needed: the hooks decide
    at::Tensor out = toy.forward(*model, testing::ToyInput());
    EXPECT_EQ(out.sizes(), (std::vector<int64_t>{2, 4})) << toy.name;
  }
}

}  // namespace
}  // namespace nas::my_algo
