#include "algorithms/darts/darts_mutator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include "algorithms/darts/darts_space.h"
#include "algorithms/darts/genotype.h"
#include "nas/core/architecture.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable_tree.h"
#include "nas/testing/mutator_conformance.h"

namespace nas::darts {
namespace {

using ::testing::HasSubstr;

DartsNetwork TinySearchNet() {
  DartsNetworkOptions o = *DartsNetworkPreset("search_fashion_mnist");
  o.channels = 4;
  o.layers = 3;
  return DartsNetwork(o);
}

int64_t OpIndex(const std::string& op) {
  const auto& names = DartsOpNames();
  return std::find(names.begin(), names.end(), op) - names.begin();
}

TEST(DartsMutatorTest, Conformance) {
  nas::testing::ExpectMutatorConformance(
      [](std::shared_ptr<torch::nn::Module> model, uint64_t seed) {
        return std::make_unique<DartsMutator>(std::move(model), seed);
      });
}

TEST(DartsMutatorTest, SearchMixesEveryOpWithSoftmaxWeightsThatCarryGradients) {
  torch::manual_seed(0);
  DartsNetwork net = TinySearchNet();
  DartsMutator mutator(net, /*seed=*/3);
  EXPECT_EQ(mutator.parameters().size(), 28u);
  for (const at::Tensor& alpha : mutator.parameters()) {
    EXPECT_LT(alpha.abs().max().item<double>(), 0.01);  // 1e-3 * randn
    EXPECT_TRUE(alpha.requires_grad());
  }
  mutator.reset();
  at::Tensor w = mutator.decision("normal_n2_p0");
  EXPECT_TRUE(w.is_floating_point());
  EXPECT_NEAR(w.sum().item<double>(), 1.0, 1e-6);
  EXPECT_TRUE(torch::all(mutator.decision("normal_n3_switch") == 1).item<bool>());

  at::Tensor loss = net->forward(torch::randn({2, 1, 28, 28})).pow(2).mean();
  loss.backward();
  for (const at::Tensor& alpha : mutator.parameters()) {
    ASSERT_TRUE(alpha.grad().defined());
    EXPECT_GT(alpha.grad().abs().sum().item<double>(), 0);
  }
  // Detached weights: no gradient reaches the alphas.
  for (const at::Tensor& alpha : mutator.parameters()) alpha.mutable_grad() = at::Tensor();
  mutator.set_detach_weights(true);
  mutator.reset();
  net->forward(torch::randn({2, 1, 28, 28})).pow(2).mean().backward();
  for (const at::Tensor& alpha : mutator.parameters()) EXPECT_FALSE(alpha.grad().defined());
}

// The base Mutator's mixed operation, which runs "none" like any op.
class RunEveryOp : public Mutator {
 public:
  using Mutator::Mutator;
  Decisions sample_search() override { return decisions_; }
  Decisions sample_final() override { return decisions_; }
  Decisions decisions_;
};

// DartsMutator does not run "none" (zeros): the same logits, bit for bit,
// and the same gradients for the weights and the alphas.
TEST(DartsMutatorTest, SkippingNoneChangesNoValueAndNoGradient) {
  torch::manual_seed(0);
  DartsNetwork net = TinySearchNet();
  torch::manual_seed(0);
  DartsNetwork ref = TinySearchNet();
  DartsMutator mutator(net, /*seed=*/3, /*init_scale=*/0.5);
  mutator.reset();
  std::map<std::string, at::Tensor> ref_alphas;
  RunEveryOp every(ref);
  for (const auto& [key, alpha] : mutator.alphas()) {
    ref_alphas[key] = alpha.detach().clone().requires_grad_(true);
  }
  for (const auto& [key, decision] : mutator.decisions()) {
    auto alpha = ref_alphas.find(key);
    every.decisions_[key] = alpha == ref_alphas.end() ? decision : at::softmax(alpha->second, 0);
  }
  every.reset();
  at::Tensor x = torch::randn({2, 1, 28, 28});
  at::Tensor a = net->forward(x), b = ref->forward(x);
  EXPECT_TRUE(a.equal(b));
  a.pow(2).mean().backward();
  b.pow(2).mean().backward();
  for (const auto& [key, alpha] : mutator.alphas()) {
    EXPECT_TRUE(torch::allclose(alpha.grad(), ref_alphas[key].grad(), 1e-6, 1e-9)) << key;
  }
  auto r = ref->named_parameters();
  for (const auto& p : net->named_parameters()) {
    if (!p.value().grad().defined()) continue;
    EXPECT_TRUE(torch::allclose(p.value().grad(), r[p.key()].grad(), 1e-6, 1e-9)) << p.key();
  }
}

TEST(DartsMutatorTest, ExportFollowsTheGenotypeRule) {
  torch::manual_seed(0);
  DartsNetwork net = TinySearchNet();
  DartsMutator mutator(net, 0);
  {
    torch::NoGradGuard no_grad;
    for (const auto& [key, alpha] : mutator.alphas()) alpha.zero_();
    auto set = [&](const std::string& key, const std::string& op, double value) {
      mutator.alphas().at(key)[OpIndex(op)] = value;
    };
    // Node 3 of the normal cell: "none" is strongest on edge p0, but only
    // non-none weights count; the strongest non-none edges are p2 (avg pool)
    // and p1 (sep 5x5).
    set("normal_n3_p0", "none", 9.0);
    set("normal_n3_p0", "dil_conv_3x3", 0.5);
    set("normal_n3_p1", "sep_conv_5x5", 2.0);
    set("normal_n3_p2", "avg_pool_3x3", 3.0);
  }
  mutator.reset();
  Decisions before = mutator.decisions();
  Decisions final = mutator.sample_final();
  EXPECT_TRUE(torch::equal(final.at("normal_n3_switch"), torch::tensor({false, true, true})));
  at::Tensor expected_p1 = torch::zeros({8}, torch::kBool);
  expected_p1[OpIndex("sep_conv_5x5")] = true;
  EXPECT_TRUE(torch::equal(final.at("normal_n3_p1"), expected_p1));
  EXPECT_FALSE(final.at("normal_n3_p0").any().item<bool>());  // not kept: nothing
  // Export changes nothing in force.
  EXPECT_TRUE(torch::equal(mutator.decisions().at("normal_n2_p0"), before.at("normal_n2_p0")));

  Genotype genotype = *GenotypeOf(final, mutator.search_space());
  EXPECT_EQ(genotype.normal.ops[2], (std::pair<std::string, int64_t>("sep_conv_5x5", 1)));
  EXPECT_EQ(genotype.normal.ops[3], (std::pair<std::string, int64_t>("avg_pool_3x3", 2)));
  for (const auto& cell : {genotype.normal, genotype.reduce}) {
    for (const auto& op : cell.ops) EXPECT_NE(op.first, "none");
  }

  // The exported architecture fixes a fresh network that runs.
  torch::manual_seed(1);
  DartsNetwork child = TinySearchNet();
  apply_fixed_architecture(child, mutator.export_architecture());
  EXPECT_EQ(child->forward(torch::randn({2, 1, 28, 28})).sizes(), (std::vector<int64_t>{2, 10}));
}

TEST(DartsMutatorTest, SaveLoadRestoresAlphasInPlace) {
  torch::manual_seed(0);
  DartsNetwork a = TinySearchNet(), b = TinySearchNet();
  DartsMutator ma(a, 1), mb(b, 2);
  at::Tensor held = mb.parameters()[0];  // as an optimizer holds it
  torch::serialize::OutputArchive out;
  ma.save(out);
  std::stringstream stream;
  out.save_to(stream);
  torch::serialize::InputArchive in;
  in.load_from(stream);
  mb.load(in);
  EXPECT_TRUE(torch::equal(held, ma.parameters()[0]));
  for (size_t i = 0; i < ma.parameters().size(); ++i) {
    EXPECT_TRUE(torch::equal(ma.parameters()[i], mb.parameters()[i]));
  }
  // A checkpoint of another space is refused, naming the key.
  DartsNetworkOptions other = *DartsNetworkPreset("search_fashion_mnist");
  other.channels = 4;
  other.layers = 3;
  other.nodes = 5;
  DartsNetwork c(other);
  DartsMutator mc(c, 0);
  torch::serialize::InputArchive again;
  stream.seekg(0);
  again.load_from(stream);
  try {
    mc.load(again);
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("no architecture weights for 'normal_n6_p0'"));
  }
}

}  // namespace
}  // namespace nas::darts
