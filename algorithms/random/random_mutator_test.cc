#include "algorithms/random/random_mutator.h"

#include <sstream>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nas/testing/mutator_conformance.h"
#include "nas/testing/toy_spaces.h"

namespace nas::random {
namespace {

TEST(RandomMutatorTest, Conformance) {
  testing::ExpectMutatorConformance([](std::shared_ptr<torch::nn::Module> model, uint64_t seed) {
    return std::make_unique<RandomMutator>(model, seed);
  });
}

TEST(RandomMutatorTest, SamplingFollowsTheRules) {
  std::mt19937_64 rng(1);
  ChoiceSpec layer{"l", MutableKind::kLayerChoice, {"a", "b", "c", "d"}, std::nullopt};
  ChoiceSpec any{"any", MutableKind::kInputChoice, {"", "", "", ""}, std::nullopt};
  ChoiceSpec two{"two", MutableKind::kInputChoice, {"", "", "", ""}, 2};
  std::vector<int> layer_counts(4), any_counts(4), two_counts(4);
  const int n = 4000;
  for (int i = 0; i < n; ++i) {
    at::Tensor l = SampleUniform(layer, rng), a = SampleUniform(any, rng), t = SampleUniform(two, rng);
    ASSERT_EQ(l.sum().item<int64_t>(), 1);
    ASSERT_EQ(t.sum().item<int64_t>(), 2);
    for (int j = 0; j < 4; ++j) {
      layer_counts[j] += l[j].item<bool>();
      any_counts[j] += a[j].item<bool>();
      two_counts[j] += t[j].item<bool>();
    }
  }
  for (int j = 0; j < 4; ++j) {
    EXPECT_NEAR(layer_counts[j] / double(n), 0.25, 0.03) << j;
    EXPECT_NEAR(any_counts[j] / double(n), 0.5, 0.03) << j;  // coin flips
    EXPECT_NEAR(two_counts[j] / double(n), 0.5, 0.03) << j;
  }
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
      EXPECT_TRUE(torch::equal(mask, b.decisions().at(key))) << key;
    }
  }
}

}  // namespace
}  // namespace nas::random
