#include "algorithms/darts/darts_space.h"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/utils.h>

#include "algorithms/darts/darts_ops.h"
#include "nas/core/architecture.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/search_space.h"
#include "nas/core/space_registry.h"

namespace nas::darts {
namespace {

using ::testing::HasSubstr;

DartsNetworkOptions Tiny(const std::string& preset = "search_fashion_mnist") {
  DartsNetworkOptions o = *DartsNetworkPreset(preset);
  o.channels = 4;
  o.layers = 3;
  return o;
}

// Every edge: sep_conv_3x3 from the two most recent states, as a genotype
// architecture (two inputs per node, one op per kept edge, nothing elsewhere).
Architecture ChainArchitecture(const SearchSpace& space, const std::string& op = "sep_conv_3x3") {
  Decisions d;
  for (const ChoiceSpec& spec : space.choices()) {
    at::Tensor mask = at::zeros({spec.size()}, at::kBool);
    d[spec.key] = mask;
  }
  for (const std::string type : {kNormal, kReduce}) {
    for (int64_t node = 2; node < 6; ++node) {
      at::Tensor& sw = d[SwitchKey(type, node)];
      sw[node - 1] = true;
      sw[node - 2] = true;
      for (int64_t j : {node - 1, node - 2}) {
        const ChoiceSpec* spec = space.find(EdgeKey(type, node, j));
        auto it = std::find(spec->candidates.begin(), spec->candidates.end(), op);
        d[spec->key][it - spec->candidates.begin()] = true;
      }
    }
  }
  return Architecture::from_decisions(d, space);
}

TEST(DartsSpaceTest, SearchSpaceHasFourteenSharedEdgesPerCellType) {
  torch::manual_seed(0);
  BuiltSpace built =
      *SpaceRegistry().Lookup(kDartsSpaceName).value()(Json{{"preset", "search_fashion_mnist"}});
  SearchSpace space = *SearchSpaceOf(*built.model);
  int64_t edges = 0, switches = 0;
  for (const ChoiceSpec& spec : space.choices()) {
    if (spec.kind == MutableKind::kLayerChoice) {
      ++edges;
      EXPECT_EQ(spec.candidates, DartsOpNames()) << spec.key;
    } else {
      ++switches;
      EXPECT_EQ(spec.n_chosen, 2) << spec.key;
    }
  }
  EXPECT_EQ(edges, 2 * 14);  // shared by all cells of a type
  EXPECT_EQ(switches, 2 * 4);
  EXPECT_EQ(space.find("normal_n5_switch")->candidates,
            (std::vector<std::string>{"normal_n5_p0", "normal_n5_p1", "normal_n5_p2",
                                      "normal_n5_p3", "normal_n5_p4"}));
  EXPECT_EQ(DartsOpNames(), (std::vector<std::string>{
                                "none", "max_pool_3x3", "avg_pool_3x3", "skip_connect",
                                "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"}));
}

TEST(DartsSpaceTest, ReductionCellsHalveTheResolutionAndDoubleChannels) {
  torch::manual_seed(0);
  DartsNetworkOptions o = Tiny();
  o.layers = 5;  // reductions at cells 1 and 3
  DartsNetwork net(o);
  // A fixed architecture runs without a mutator.
  apply_fixed_architecture(net, ChainArchitecture(*SearchSpaceOf(*net)));
  at::Tensor logits = net->forward(torch::randn({2, 1, 28, 28}));
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{2, 10}));
}

TEST(DartsSpaceTest, EvaluationNetworkHasAnAuxiliaryHeadOnlyWhileTraining) {
  torch::manual_seed(0);
  DartsNetworkOptions o = Tiny("eval_fashion_mnist");
  DartsNetwork net(o);
  apply_fixed_architecture(net, ChainArchitecture(*SearchSpaceOf(*net)));
  net->train();
  auto [logits, aux] = net->forward_with_aux(torch::randn({2, 1, 28, 28}));
  ASSERT_TRUE(aux.defined());
  EXPECT_EQ(aux.sizes(), logits.sizes());
  net->eval();
  EXPECT_FALSE(net->forward_with_aux(torch::randn({2, 1, 28, 28})).second.defined());

  // 32x32 inputs (CIFAR-10 geometry) too.
  DartsNetworkOptions c = Tiny("eval_cifar10");
  DartsNetwork cifar(c);
  apply_fixed_architecture(cifar, ChainArchitecture(*SearchSpaceOf(*cifar)));
  cifar->train();
  EXPECT_EQ(cifar->forward_with_aux(torch::randn({2, 3, 32, 32})).second.sizes(),
            (std::vector<int64_t>{2, 10}));
}

TEST(DartsSpaceTest, FixedEdgesNotKeptHoldNoParameters) {
  torch::manual_seed(0);
  DartsNetworkOptions o = Tiny("eval_fashion_mnist");
  DartsNetwork sep(o), pool(o);
  apply_fixed_architecture(sep, ChainArchitecture(*SearchSpaceOf(*sep)));
  apply_fixed_architecture(pool, ChainArchitecture(*SearchSpaceOf(*pool), "max_pool_3x3"));
  // Only kept edges' ops remain: a pooling cell has no edge parameters at all.
  for (const auto& p : pool->named_parameters()) {
    EXPECT_EQ(p.key().find("_p"), std::string::npos) << p.key();
  }
  int64_t edge_params = 0;
  for (const auto& p : sep->named_parameters()) {
    if (p.key().find(".n") != std::string::npos && p.key().find("_p") != std::string::npos) {
      edge_params += p.value().numel();
    }
  }
  EXPECT_GT(edge_params, 0);
  EXPECT_GT(sep->parameter_count(), pool->parameter_count());
  // parameter_count() leaves the auxiliary head out.
  int64_t all = 0;
  for (const auto& p : sep->parameters()) all += p.numel();
  EXPECT_LT(sep->parameter_count(), all);
}

TEST(DartsSpaceTest, DropPathSparesIdentitiesAndIsOffInEval) {
  torch::manual_seed(0);
  DartsNetworkOptions o = Tiny("eval_fashion_mnist");
  o.auxiliary = false;
  DartsNetwork net(o);
  apply_fixed_architecture(net, ChainArchitecture(*SearchSpaceOf(*net)));
  at::Tensor x = torch::randn({4, 1, 28, 28});
  net->eval();
  net->set_drop_path_prob(0.9);
  at::Tensor a = net->forward(x), b = net->forward(x);
  EXPECT_TRUE(torch::equal(a, b));  // eval: no drop-path
  net->train();
  torch::manual_seed(1);
  at::Tensor dropped = net->forward(x);
  net->set_drop_path_prob(0);
  torch::manual_seed(1);
  at::Tensor kept = net->forward(x);
  EXPECT_FALSE(torch::allclose(dropped, kept));
}

// PC-DARTS: an edge mixes its ops on the first C/K channels; the rest
// bypasses it (max-pooled on a reduction edge); the concatenation is
// shuffled in K groups. Checked against that computation written out, on a
// cell whose every edge is fixed to one op.
TEST(DartsSpaceTest, PartialChannelEdgesMixAShareAndShuffleTheRest) {
  torch::manual_seed(0);
  DartsNetworkOptions o = Tiny();
  o.channels = 8;
  o.partial_channels = 4;
  DartsNetwork net(o);
  DartsNetworkOptions full_options = o;
  full_options.partial_channels = 1;
  DartsNetwork full(full_options);
  // The ops are built for C/K channels: fewer weights.
  auto count = [](const torch::nn::Module& m) {
    int64_t n = 0;
    for (const auto& p : m.parameters()) n += p.numel();
    return n;
  };
  EXPECT_LT(count(*net), count(*full));
  for (const std::string op : {"max_pool_3x3", "skip_connect", "sep_conv_3x3"}) {
    SCOPED_TRACE(op);
    torch::manual_seed(1);
    DartsNetwork fixed(o);
    apply_fixed_architecture(fixed, ChainArchitecture(*SearchSpaceOf(*fixed), op));
    fixed->eval();
    at::Tensor x = torch::randn({2, 1, 28, 28});
    at::Tensor logits = fixed->forward(x);
    EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{2, 10}));
    // Channels-last in, the same logits out, and a gradient for the input.
    at::Tensor x_cl = x.contiguous(at::MemoryFormat::ChannelsLast).requires_grad_(true);
    EXPECT_TRUE(torch::allclose(fixed->forward(x_cl), logits, 1e-5, 1e-6));
  }
  // One edge written out: a reduction edge with max pooling.
  torch::manual_seed(2);
  DartsCell cell(/*nodes=*/1, 8, 8, 8, /*reduction=*/true, /*reduction_prev=*/false,
                 /*affine=*/false, /*pool_bn=*/false, /*partial_channels=*/4);
  SearchSpace space = *SearchSpaceOf(*cell);
  Decisions d;
  for (const ChoiceSpec& spec : space.choices()) d[spec.key] = at::zeros({spec.size()}, at::kBool);
  d[EdgeKey(kReduce, 2, 1)][1] = true;  // max_pool_3x3 from s1
  d[SwitchKey(kReduce, 2)][1] = true;
  apply_fixed_architecture(cell, Architecture::from_decisions(d, space));
  cell->eval();
  at::Tensor s = torch::randn({2, 8, 5, 5});  // odd: the bypass pools with ceil
  at::Tensor out = cell->forward(s, s, 0);
  auto preprocess1 = std::dynamic_pointer_cast<ReluConvBnImpl>(cell->named_children()["preprocess1"]);
  ASSERT_NE(preprocess1, nullptr);
  at::Tensor p = preprocess1->forward(s);
  at::Tensor mixed = at::max_pool2d(p.narrow(1, 0, 2), {3, 3}, {2, 2}, {1, 1});
  at::Tensor rest = at::max_pool2d(p.narrow(1, 2, 6), {2, 2}, {2, 2}, {0, 0}, {1, 1}, true);
  at::Tensor joined = at::cat({mixed, rest}, 1);  // channel g * 2 + i ...
  at::Tensor expected = joined.view({2, 4, 2, 3, 3}).transpose(1, 2).reshape({2, 8, 3, 3});
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{2, 8, 3, 3}));
  EXPECT_TRUE(torch::allclose(out, expected, 1e-6, 1e-6));  // ... goes to i * 4 + g
}

TEST(DartsSpaceTest, OptionsRoundTripAndBadOptionsNameTheMember) {
  for (const std::string& preset : DartsNetworkPresetNames()) {
    DartsNetworkOptions o = *DartsNetworkPreset(preset);
    EXPECT_EQ(*DartsNetworkOptionsFromJson(DartsNetworkOptionsToJson(o)), o) << preset;
  }
  EXPECT_THAT(DartsNetworkOptionsFromJson(Json{{"preset", "imagenet"}}).status().message(),
              HasSubstr("unknown DARTS network preset 'imagenet'; known: search_cifar10"));
  EXPECT_THAT(DartsNetworkOptionsFromJson(Json{{"channels", 7}}).status().message(),
              HasSubstr("$.channels must be even"));
  EXPECT_THAT(DartsNetworkOptionsFromJson(Json{{"layers", 0}}).status().message(),
              HasSubstr("$.layers must be > 0"));
  EXPECT_THAT(DartsNetworkOptionsFromJson(Json{{"cells", 8}}).status().message(),
              HasSubstr("cells"));
  EXPECT_THAT(DartsNetworkOptionsFromJson(Json{{"channels", 12}, {"partial_channels", 4}})
                  .status()
                  .message(),
              HasSubstr("$.channels must be a multiple of 2 x partial_channels (8), got 12"));
  EXPECT_THAT(DartsNetworkOptionsFromJson(Json{{"partial_channels", 0}}).status().message(),
              HasSubstr("$.partial_channels must be > 0"));
  EXPECT_THAT(
      SpaceRegistry().Lookup(kDartsSpaceName).value()(Json{{"nodes", "four"}}).status().message(),
      HasSubstr("darts_cell options.nodes"));
}

}  // namespace
}  // namespace nas::darts
