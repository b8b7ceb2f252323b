#include "nas/testing/mutator_conformance.h"

#include <cstdlib>

#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/utils.h>

#include "nas/base/file.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable_tree.h"
#include "nas/testing/toy_spaces.h"

namespace nas::testing {
namespace {

std::shared_ptr<torch::nn::Module> Fresh(const ToySpace& space, uint64_t weights_seed) {
  torch::manual_seed(weights_seed);
  return space.make();
}

void ExpectValid(const SearchSpace& space, const Decisions& decisions, const std::string& where) {
  absl::Status status = space.check(decisions);
  ASSERT_TRUE(status.ok()) << where << ": " << status.message();
  for (const auto& spec : space.choices()) {
    const at::Tensor& mask = decisions.at(spec.key);
    if (mask.scalar_type() != at::kBool) continue;
    int64_t selected = mask.sum().item<int64_t>();
    if (spec.kind == MutableKind::kLayerChoice) {
      EXPECT_GE(selected, 1) << where << ": layer choice '" << spec.key << "' selects nothing";
    } else if (spec.n_chosen.has_value()) {
      EXPECT_EQ(selected, *spec.n_chosen)
          << where << ": input choice '" << spec.key << "' ignores n_chosen";
    }
  }
}

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return JoinPath(dir != nullptr ? dir : "/tmp", name);
}

}  // namespace

void ExpectMutatorConformance(const MutatorFactory& factory) {
  for (const ToySpace& toy : ToySpaces()) {
    SCOPED_TRACE("toy space '" + toy.name + "'");
    auto model = Fresh(toy, 1);
    auto expected_space = SearchSpaceOf(*Fresh(toy, 1));
    ASSERT_TRUE(expected_space.ok()) << expected_space.status().message();
    std::unique_ptr<Mutator> mutator = factory(model, 7);
    ASSERT_NE(mutator, nullptr);
    EXPECT_EQ(mutator->search_space(), *expected_space);

    // Sampling: valid decisions; forward and backward run.
    for (int step = 0; step < 8; ++step) {
      mutator->reset();
      ExpectValid(mutator->search_space(), mutator->decisions(), "reset " + std::to_string(step));
      at::Tensor out = toy.forward(*model, ToyInput());
      ASSERT_EQ(out.sizes(), (std::vector<int64_t>{2, 4}));
      out.sum().backward();
    }

    // Determinism under a seed.
    auto model_a = Fresh(toy, 3), model_b = Fresh(toy, 3);
    auto mutator_a = factory(model_a, 11), mutator_b = factory(model_b, 11);
    for (int step = 0; step < 5; ++step) {
      mutator_a->reset();
      mutator_b->reset();
      for (const auto& [key, mask] : mutator_a->decisions()) {
        EXPECT_TRUE(torch::equal(mask, mutator_b->decisions().at(key)))
            << "same seed, different decision for '" << key << "' at reset " << step;
      }
    }
    Architecture arch = mutator_a->export_architecture();
    EXPECT_EQ(arch, mutator_b->export_architecture()) << "same seed, different export";

    // Export: file round trip, then the child reproduces the supernet.
    std::string path = TempPath("conformance_" + toy.name + ".json");
    ASSERT_TRUE(WriteArchitecture(path, arch).ok());
    absl::StatusOr<Architecture> read = ReadArchitecture(path);
    ASSERT_TRUE(read.ok()) << read.status();
    Architecture loaded = *read;
    EXPECT_EQ(loaded, arch);
    auto decisions = loaded.resolve(mutator_a->search_space());
    ASSERT_TRUE(decisions.ok()) << decisions.status().message();
    mutator_a->set_decisions(*decisions);
    model_a->eval();
    at::Tensor input = ToyInput(3);
    at::Tensor expected = toy.forward(*model_a, input);

    auto child = Fresh(toy, 99);  // different initial weights on purpose
    absl::Status applied = ApplyFixedArchitecture(*child, loaded);
    ASSERT_TRUE(applied.ok()) << applied.message();
    absl::Status inherited = InheritWeights(*child, *model_a);
    ASSERT_TRUE(inherited.ok()) << inherited.message();
    child->eval();
    at::Tensor actual = toy.forward(*child, input);
    EXPECT_TRUE(torch::allclose(actual, expected, 1e-5, 1e-6))
        << "the fixed child's output differs from the supernet's under the exported decisions";
  }
}

}  // namespace nas::testing
