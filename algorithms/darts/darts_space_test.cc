#include "algorithms/darts/darts_space.h"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/utils.h>

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
  EXPECT_THAT(
      SpaceRegistry().Lookup(kDartsSpaceName).value()(Json{{"nodes", "four"}}).status().message(),
      HasSubstr("darts_cell options.nodes"));
}

}  // namespace
}  // namespace nas::darts
