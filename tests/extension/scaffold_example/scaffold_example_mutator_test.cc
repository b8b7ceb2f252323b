// ScaffoldExampleMutator passes the conformance suite every mutator must pass, and
// its saved state continues the same sequence.
#include "tests/extension/scaffold_example/scaffold_example_mutator.h"

#include <sstream>

#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "nas/testing/mutator_conformance.h"
#include "nas/testing/toy_spaces.h"

namespace nas::scaffold_example {
namespace {

TEST(ScaffoldExampleMutatorTest, Conformance) {
  testing::ExpectMutatorConformance([](std::shared_ptr<torch::nn::Module> model, uint64_t seed) {
    return std::make_unique<ScaffoldExampleMutator>(model, seed);
  });
}

TEST(ScaffoldExampleMutatorTest, SavedStateContinuesTheSameSequence) {
  auto toy = testing::ToySpaces()[0];
  auto model_a = toy.make(), model_b = toy.make();
  ScaffoldExampleMutator a(model_a, 5), b(model_b, 123);
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
      EXPECT_TRUE(torch::equal(mask, b.decisions().at(key))) << key;
    }
  }
}

}  // namespace
}  // namespace nas::scaffold_example
