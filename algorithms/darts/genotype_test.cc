#include "algorithms/darts/genotype.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include "algorithms/darts/darts_space.h"
#include "nas/core/mutable_tree.h"

namespace nas::darts {
namespace {

using ::testing::HasSubstr;

SearchSpace Space() {
  DartsNetworkOptions o = *DartsNetworkPreset("search_fashion_mnist");
  o.channels = 2;
  o.layers = 3;  // a normal cell and two reduction cells
  DartsNetwork net(o);
  return *SearchSpaceOf(*net);
}

// Node k keeps edges (k-2, k-1) with `op` on each.
Decisions Chain(const SearchSpace& space, const std::string& normal_op,
                const std::string& reduce_op) {
  Decisions d;
  for (const ChoiceSpec& spec : space.choices()) d[spec.key] = at::zeros({spec.size()}, at::kBool);
  for (const std::string type : {kNormal, kReduce}) {
    const std::string& op = type == kNormal ? normal_op : reduce_op;
    for (int64_t node = 2; node < 6; ++node) {
      d[SwitchKey(type, node)][node - 2] = true;
      d[SwitchKey(type, node)][node - 1] = true;
      for (int64_t j : {node - 2, node - 1}) {
        const auto& names = space.find(EdgeKey(type, node, j))->candidates;
        d[EdgeKey(type, node, j)][std::find(names.begin(), names.end(), op) - names.begin()] = true;
      }
    }
  }
  return d;
}

TEST(GenotypeTest, TextIsTheAuthorsFormat) {
  SearchSpace space = Space();
  Genotype g = *GenotypeOf(Chain(space, "sep_conv_3x3", "max_pool_3x3"), space);
  EXPECT_EQ(g.nodes, 4);
  EXPECT_EQ(g.to_string(),
            "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), "
            "('sep_conv_3x3', 2), "
            "('sep_conv_3x3', 2), ('sep_conv_3x3', 3), ('sep_conv_3x3', 3), ('sep_conv_3x3', 4)], "
            "normal_concat=range(2, 6), reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), "
            "('max_pool_3x3', 1), "
            "('max_pool_3x3', 2), ('max_pool_3x3', 2), ('max_pool_3x3', 3), ('max_pool_3x3', 3), "
            "('max_pool_3x3', 4)], reduce_concat=range(2, 6))");
}

TEST(GenotypeTest, ParameterFreeShareIsTheCollapseSignal) {
  SearchSpace space = Space();
  Genotype g = *GenotypeOf(Chain(space, "skip_connect", "sep_conv_5x5"), space);
  EXPECT_DOUBLE_EQ(g.normal.parameter_free_share(), 1.0);
  EXPECT_DOUBLE_EQ(g.reduce.parameter_free_share(), 0.0);
  EXPECT_DOUBLE_EQ(g.parameter_free_share(), 0.5);
  EXPECT_DOUBLE_EQ(
      GenotypeOf(Chain(space, "avg_pool_3x3", "max_pool_3x3"), space)->parameter_free_share(), 1.0);
  EXPECT_DOUBLE_EQ(
      GenotypeOf(Chain(space, "dil_conv_3x3", "dil_conv_5x5"), space)->parameter_free_share(), 0.0);
}

TEST(GenotypeTest, MalformedDecisionsAreNamed) {
  SearchSpace space = Space();
  Decisions d = Chain(space, "sep_conv_3x3", "sep_conv_3x3");
  d["normal_n4_switch"][0] = true;  // three inputs
  EXPECT_THAT(GenotypeOf(d, space).status().message(),
              HasSubstr("'normal_n4_switch' keeps 3 inputs; a DARTS genotype keeps 2"));
  d = Chain(space, "sep_conv_3x3", "sep_conv_3x3");
  d["reduce_n3_p2"][1] = true;  // two ops on a kept edge
  EXPECT_THAT(
      GenotypeOf(d, space).status().message(),
      HasSubstr("edge 'reduce_n3_p2' is kept by 'reduce_n3_switch' but selects 2 operations"));
  EXPECT_THAT(
      GenotypeOf(d, SearchSpace()).status().message(),
      HasSubstr("not a DARTS cell space: no 'normal_n2_switch' or 'reduce_n2_switch' choice"));
}

TEST(GenotypeTest, DiagramHasBothCellsAndEveryEdge) {
  SearchSpace space = Space();
  Genotype g = *GenotypeOf(Chain(space, "sep_conv_3x3", "max_pool_3x3"), space);
  std::string dot = CellDiagramDot(g);
  EXPECT_THAT(dot, HasSubstr("subgraph cluster_normal"));
  EXPECT_THAT(dot, HasSubstr("subgraph cluster_reduce"));
  EXPECT_THAT(dot, HasSubstr("normal_in0 -> normal_n2 [label=\"sep_conv_3x3\""));
  EXPECT_THAT(dot, HasSubstr("reduce_n4 -> reduce_n5 [label=\"max_pool_3x3\""));
  EXPECT_THAT(dot, HasSubstr("normal_n5 -> normal_out"));
  const std::string stem = ::testing::TempDir() + "/cells";
  bool svg = true;
  ASSERT_TRUE(WriteCellDiagram(g, stem, &svg).ok());
  std::ifstream in(stem + ".dot");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), dot);
  // The SVG exists exactly when Graphviz rendered it.
  EXPECT_EQ(std::ifstream(stem + ".svg").good(), svg);
  // A folder that cannot exist (its parent is a file): refused whoever runs
  // the test, root and unsandboxed included.
  const std::string file = ::testing::TempDir() + "/a_file";
  std::ofstream(file) << "x";
  EXPECT_FALSE(WriteCellDiagram(g, file + "/dir/cells").ok());
}

}  // namespace
}  // namespace nas::darts
