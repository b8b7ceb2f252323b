// GumbelMutator through its public interface: the conformance suite, the
// gradient path to the logits, which candidates run in each mode, export,
// and save/load.
#include "algorithms/gumbel/gumbel_mutator.h"

#include <numeric>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/named_any.h>
#include <torch/nn/pimpl.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include "nas/core/layer_choice.h"
#include "nas/testing/mutator_conformance.h"
#include "nas/testing/status_matchers.h"
#include "nas/testing/tensor_matchers.h"
#include "nas/testing/toy_spaces.h"

namespace nas::gumbel {
namespace {

using ::nas::testing::StatusIs;
using ::nas::testing::TensorEq;
using ::nas::testing::TensorNear;
using ::testing::HasSubstr;

class GumbelMutatorTest : public ::testing::Test {
 protected:
  void SetUp() override { torch::manual_seed(0); }
};

TEST_F(GumbelMutatorTest, Conformance) {
  testing::ExpectMutatorConformance([](std::shared_ptr<torch::nn::Module> model, uint64_t seed) {
    return std::make_unique<GumbelMutator>(model, seed);
  });
}

TEST_F(GumbelMutatorTest, SoftModeConformance) {
  testing::ExpectMutatorConformance([](std::shared_ptr<torch::nn::Module> model, uint64_t seed) {
    auto mutator = std::make_unique<GumbelMutator>(model, seed);
    mutator->set_mode(GumbelMode::kSoft);
    return mutator;
  });
}

// A candidate that counts its calls and scales its input by a weight.
struct CountingImpl : torch::nn::Module {
  explicit CountingImpl(int* calls) : calls(calls) {
    scale = register_parameter("scale", torch::ones({1}));
  }
  at::Tensor forward(at::Tensor x) {
    ++*calls;
    return x * scale;
  }
  int* calls;
  at::Tensor scale;
};
TORCH_MODULE(Counting);

struct CountingNetImpl : torch::nn::Module {
  explicit CountingNetImpl(std::vector<int>* calls) {
    std::vector<torch::nn::NamedAnyModule> candidates;
    for (size_t i = 0; i < calls->size(); ++i) {
      candidates.emplace_back("c" + std::to_string(i), Counting(&(*calls)[i]));
    }
    choice = register_module("choice", LayerChoice(candidates, LayerChoiceOptions().key("choice")));
  }
  at::Tensor forward(at::Tensor x) { return choice(x); }
  LayerChoice choice{nullptr};
};
TORCH_MODULE(CountingNet);

TEST_F(GumbelMutatorTest, HardModeRunsExactlyTheSampledCandidate) {
  std::vector<int> calls(4, 0);
  CountingNet net(&calls);
  GumbelMutator mutator(net, 3);
  for (int step = 0; step < 10; ++step) {
    std::fill(calls.begin(), calls.end(), 0);
    mutator.reset();
    at::Tensor out = net->forward(torch::ones({2, 3}));
    out.sum().backward();
    int64_t sampled = mutator.decisions().at("choice").to(at::kLong).argmax().item<int64_t>();
    EXPECT_EQ(std::accumulate(calls.begin(), calls.end(), 0), 1) << "step " << step;
    EXPECT_EQ(calls[sampled], 1) << "step " << step;
    // The output's value is the candidate's (the straight-through weight is 1).
    EXPECT_THAT(out, TensorNear(torch::ones({2, 3}), /*atol=*/1e-6, /*rtol=*/1e-6));
  }
}

TEST_F(GumbelMutatorTest, SoftModeRunsEveryCandidateWeighted) {
  std::vector<int> calls(4, 0);
  CountingNet net(&calls);
  GumbelMutator mutator(net, 3);
  mutator.set_mode(GumbelMode::kSoft);
  mutator.reset();
  at::Tensor out = net->forward(torch::ones({1, 2}));
  EXPECT_EQ(calls, std::vector<int>(4, 1));
  // Identical candidates: the softmax weights sum to one.
  EXPECT_THAT(out, TensorNear(torch::ones({1, 2}), /*atol=*/1e-6, /*rtol=*/1e-5));
}

TEST_F(GumbelMutatorTest, WithoutGradientsTheCachedDecisionRunsUnweighted) {
  std::vector<int> calls(3, 0);
  CountingNet net(&calls);
  GumbelMutator mutator(net, 1);
  mutator.set_mode(GumbelMode::kSoft);
  mutator.reset();
  torch::NoGradGuard no_grad;
  at::Tensor out = net->forward(torch::full({1, 2}, 2.0));
  EXPECT_EQ(std::accumulate(calls.begin(), calls.end(), 0), 1);
  EXPECT_THAT(out, TensorEq(torch::full({1, 2}, 2.0)));
}

TEST_F(GumbelMutatorTest, GradientReachesTheLogits) {
  for (GumbelMode mode : {GumbelMode::kHard, GumbelMode::kSoft}) {
    SCOPED_TRACE(GumbelModeName(mode));
    for (const auto& toy : testing::ToySpaces()) {
      SCOPED_TRACE(toy.name);
      // In the toy cell a sample may leave a choice's output unused (no
      // gradient that step); the other toys use every choice's output.
      if (toy.name == "cell") continue;
      auto model = toy.make();
      GumbelMutator mutator(model, 5);
      mutator.set_mode(mode);
      mutator.set_temperature(2.0);
      mutator.reset();
      at::Tensor out = toy.forward(*model, testing::ToyInput());
      (out * out).sum().backward();
      for (const ChoiceSpec& spec : mutator.search_space().choices()) {
        // Categorical: the softmax passes the sampled candidate's gradient
        // to every logit of the choice.
        const at::Tensor& grad = mutator.logits(spec.key).grad();
        ASSERT_TRUE(grad.defined()) << spec.key;
        EXPECT_GT(grad.abs().sum().item<double>(), 0) << spec.key;
      }
    }
  }
}

TEST_F(GumbelMutatorTest, ParametersAreTheLogitsOnly) {
  auto toy = testing::ToySpaces()[0];
  auto model = toy.make();
  GumbelMutator mutator(model);
  std::vector<at::Tensor> params = mutator.parameters();
  ASSERT_EQ(params.size(), mutator.search_space().choices().size());
  for (const at::Tensor& p : params) {
    EXPECT_TRUE(p.requires_grad());
    for (const at::Tensor& w : model->parameters()) EXPECT_FALSE(p.is_same(w));
  }
}

TEST_F(GumbelMutatorTest, ExportIsTheArgmax) {
  auto toy = testing::ToySpaces()[1];  // "cell": layer and input choices
  ASSERT_EQ(toy.name, "cell");
  auto model = toy.make();
  GumbelMutator mutator(model);
  {
    torch::NoGradGuard no_grad;
    mutator.logits("cell_a").copy_(torch::tensor({-1.0f, 2.0f}));
    mutator.logits("cell_b").copy_(torch::tensor({3.0f, 0.5f}));
    mutator.logits("pick").copy_(torch::tensor({0.0f, 1.0f, -1.0f}));
    mutator.logits("any").copy_(torch::tensor({1.0f, -1.0f, 0.5f}));  // Bernoulli: > 0
    mutator.logits("skip").copy_(torch::tensor({-2.0f, 2.0f}));
  }
  Json arch = mutator.export_architecture().to_json();
  EXPECT_EQ(arch["cell_a"], "maxpool");
  EXPECT_EQ(arch["cell_b"], "conv1x1");
  EXPECT_EQ(arch["pick"], 1);  // choose_from has the unnamed "": indices
  EXPECT_EQ(arch["any"], Json::parse("[0, 2]"));
  EXPECT_EQ(arch["skip"], 1);  // the unnamed input: written by index
  Json p = mutator.probabilities();
  EXPECT_NEAR(p["cell_b"][0].get<double>(), 1 / (1 + std::exp(-2.5)), 1e-6);
  EXPECT_NEAR(p["any"][1].get<double>(), 1 / (1 + std::exp(1.0)), 1e-6);
}

std::string Saved(const GumbelMutator& mutator) {
  torch::serialize::OutputArchive out;
  mutator.save(out);
  std::ostringstream bytes;
  out.save_to(bytes);
  return bytes.str();
}

void Load(GumbelMutator& mutator, const std::string& bytes) {
  std::istringstream in_bytes(bytes);
  torch::serialize::InputArchive in;
  in.load_from(in_bytes);
  mutator.load(in);
}

TEST_F(GumbelMutatorTest, SaveLoadKeepsLogitsNoiseAndTemperature) {
  auto toy = testing::ToySpaces()[0];
  auto model_a = toy.make(), model_b = toy.make();
  GumbelMutator a(model_a, 5), b(model_b, 123);
  {
    torch::NoGradGuard no_grad;
    a.logits("op1").copy_(torch::tensor({0.5f, -0.5f, 2.0f}));
  }
  a.set_temperature(0.7);
  a.reset();
  at::Tensor b_logits = b.logits("op1");  // the same tensor after load (optimizers keep it)
  Load(b, Saved(a));
  EXPECT_TRUE(b.logits("op1").is_same(b_logits));
  EXPECT_THAT(b.logits("op1"), TensorEq(a.logits("op1")));
  EXPECT_EQ(b.temperature(), 0.7);
  for (int i = 0; i < 5; ++i) {
    a.reset();
    b.reset();
    for (const auto& [key, mask] : a.decisions()) {
      EXPECT_THAT(b.decisions().at(key), TensorEq(mask)) << key << " at reset " << i;
    }
  }
}

TEST_F(GumbelMutatorTest, LoadRejectsAnotherSpace) {
  auto chain = testing::ToySpaces()[0], cell = testing::ToySpaces()[1];
  auto model_a = chain.make(), model_b = cell.make();
  GumbelMutator a(model_a), b(model_b);
  try {
    Load(b, Saved(a));
    FAIL() << "loaded logits of another space";
  } catch (const c10::Error& e) {
    EXPECT_THAT(e.what_without_backtrace(), HasSubstr("checkpoint holds logits for keys"));
  }
}

TEST_F(GumbelMutatorTest, BadUse) {
  std::vector<int> calls(2, 0);
  CountingNet net(&calls);
  GumbelMutator mutator(net);
  try {
    net->forward(torch::ones({1, 1}));
    FAIL() << "forward before reset() ran";
  } catch (const c10::Error& e) {
    EXPECT_THAT(e.what_without_backtrace(), HasSubstr("before the mutator's first reset()"));
  }
  EXPECT_THROW(mutator.set_temperature(0), c10::Error);
  EXPECT_THAT(GumbelModeFromString("gentle"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown Gumbel mode 'gentle'; use hard or soft")));
  EXPECT_THROW(mutator.logits("nope"), c10::Error);
}

}  // namespace
}  // namespace nas::gumbel
