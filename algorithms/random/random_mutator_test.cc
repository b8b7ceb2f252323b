#include "algorithms/random/random_mutator.h"

#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "nas/testing/mutator_conformance.h"
#include "nas/testing/tensor_matchers.h"
#include "nas/testing/toy_spaces.h"

namespace nas::random {
namespace {

using ::nas::testing::TensorEq;

TEST(RandomMutatorTest, Conformance) {
  testing::ExpectMutatorConformance([](std::shared_ptr<torch::nn::Module> model, uint64_t seed) {
    return std::make_unique<RandomMutator>(model, seed);
  });
}

TEST(RandomMutatorTest, SavedStateContinuesTheSameSequence) {
  auto toy = testing::ToySpaces()[0];
  auto model_a = toy.make(), model_b = toy.make();
  RandomMutator a(model_a, 5), b(model_b, 123);
  a.reset();
  torch::serialize::OutputArchive out;
  a.save(out);
  std::ostringstream bytes;
  out.save_to(bytes);
  std::istringstream in_bytes(bytes.str());
  torch::serialize::InputArchive in;
  in.load_from(in_bytes);
  b.load(in);
  for (int i = 0; i < 3; ++i) {
    a.reset();
    b.reset();
    for (const auto& [key, mask] : a.decisions()) {
      EXPECT_THAT(b.decisions().at(key), TensorEq(mask)) << key;
    }
  }
}

}  // namespace
}  // namespace nas::random
