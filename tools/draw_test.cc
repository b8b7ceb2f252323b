#include "tools/draw.h"

#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/file.h"
#include "nas/testing/toy_spaces.h"

namespace nas::tools {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int Count(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

std::string Tmp(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

// The text of the cluster `id`, from its opening line to its closing brace.
std::string Cluster(const std::string& dot, const std::string& id) {
  size_t begin = dot.find("subgraph \"" + id + "\" {");
  if (begin == std::string::npos) return "";
  int depth = 0;
  for (size_t i = dot.find('{', begin); i < dot.size(); ++i) {
    if (dot[i] == '{') ++depth;
    if (dot[i] == '}' && --depth == 0) return dot.substr(begin, i + 1 - begin);
  }
  return "";
}

std::string DrawToy(const std::string& name, const Architecture* arch = nullptr) {
  for (const auto& toy : nas::testing::ToySpaces()) {
    if (toy.name != name) continue;
    auto model = toy.make();
    DrawGraphOptions options;
    options.title = name;
    options.architecture = arch;
    absl::StatusOr<std::string> dot = DrawModel(*model, options);
    EXPECT_TRUE(dot.ok()) << dot.status();
    // Kept for looking at: bazel-testlogs/tools/draw_test/test.outputs/.
    if (const char* outputs = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR"); outputs && dot.ok()) {
      std::string name_with_arch = name + (arch != nullptr ? "_arch.dot" : ".dot");
      EXPECT_TRUE(WriteFileAtomically(JoinPath(outputs, name_with_arch), *dot).ok());
    }
    return dot.ok() ? *dot : "";
  }
  ADD_FAILURE() << "no toy space " << name;
  return "";
}

DrawOptions SmallCnn(const std::string& output) {
  DrawOptions o;
  o.space = "small_cnn";
  o.space_options = {{"layers", 3}};
  o.output = Tmp(output);
  o.render_svg = false;
  return o;
}

TEST(DrawTest, SmallCnnSpace) {
  absl::StatusOr<DrawResult> result = Draw(SmallCnn("small_cnn.dot"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->dot_path, Tmp("small_cnn.dot"));
  EXPECT_EQ(result->svg_path, "");
  std::string dot = *ReadFile(result->dot_path);
  EXPECT_EQ(dot.rfind("digraph nas {", 0), 0u);
  EXPECT_EQ(dot.substr(dot.size() - 2), "}\n");
  EXPECT_EQ(Count(dot, "{"), Count(dot, "}"));
  EXPECT_THAT(dot, HasSubstr("label=\"small_cnn\""));
  // One box per choice, one row per candidate.
  for (const char* key : {"op0", "op1", "op2", "skip1", "skip2"}) {
    EXPECT_EQ(Count(dot, absl::StrCat("\n  \"", key, "\" [shape=plaintext")), 1) << key;
  }
  EXPECT_EQ(Count(dot, ">conv5x5</td>"), 3);
  EXPECT_EQ(Count(dot, "InputChoice · choose any · sum"), 2);
  // Input choices: an edge from every source to its row.
  EXPECT_THAT(dot, HasSubstr("\"op0\":\"h\":e -> \"skip1\":\"c0\":e"));
  EXPECT_THAT(dot, HasSubstr("\"op0\":\"h\":e -> \"skip2\":\"c0\":e"));
  EXPECT_THAT(dot, HasSubstr("\"op1\":\"h\":e -> \"skip2\":\"c1\":e"));
  EXPECT_EQ(Count(dot, "constraint=false"), 3);
  // Modules without choices, in definition order; no cluster (no cell).
  EXPECT_THAT(dot, HasSubstr("\"stem\" [shape=box"));
  EXPECT_THAT(dot, HasSubstr("\"fc\" [shape=box"));
  EXPECT_THAT(dot, HasSubstr("\"stem\" -> \"op0\" [style=invis"));
  EXPECT_THAT(dot, HasSubstr("\"skip2\" -> \"fc\" [style=invis"));
  EXPECT_THAT(dot, Not(HasSubstr("subgraph")));
  // Nothing highlighted without an architecture.
  EXPECT_THAT(dot, Not(HasSubstr("#c7e9c0")));

  DrawOptions bare = SmallCnn("bare.dot");
  bare.show_modules = false;
  ASSERT_TRUE(Draw(bare).ok());
  EXPECT_THAT(*ReadFile(Tmp("bare.dot")), Not(HasSubstr("\"stem\"")));
}

TEST(DrawTest, SmallCnnArchitectureIsHighlighted) {
  std::string arch = Tmp("arch.json");
  ASSERT_TRUE(WriteFileAtomically(arch, R"({"op0": "conv3x3", "op1": "sepconv3x3", "op2": 3,
                                            "skip1": ["op0"], "skip2": ["op1"]})")
                  .ok());
  DrawOptions o = SmallCnn("arch.dot");
  o.architecture = arch;
  absl::StatusOr<DrawResult> result = Draw(o);
  ASSERT_TRUE(result.ok()) << result.status();
  std::string dot = *ReadFile(result->dot_path);
  EXPECT_THAT(dot, HasSubstr("label=\"small_cnn: arch.json\""));
  // Five selections: one per layer choice, one per input choice.
  EXPECT_EQ(Count(dot, "bgcolor=\"#c7e9c0\""), 5);
  EXPECT_THAT(dot, HasSubstr("bgcolor=\"#c7e9c0\"><b>conv3x3</b>"));
  EXPECT_THAT(dot, HasSubstr("bgcolor=\"#c7e9c0\"><b>maxpool3x3</b>"));
  // The rest is grey: 3 x 4 unchosen ops, skip2's op0.
  EXPECT_EQ(Count(dot, "<font color=\"#a0a0a0\">"), 13);
  EXPECT_THAT(dot,
              HasSubstr("\"op1\":\"h\":e -> \"skip2\":\"c1\":e [color=\"#238b45\", penwidth=2.2"));
  EXPECT_THAT(dot,
              HasSubstr("\"op0\":\"h\":e -> \"skip2\":\"c0\":e [color=\"#a0a0a0\", style=dashed"));
}

TEST(DrawTest, FloatWeightsAndEmptySelection) {
  std::string arch = Tmp("weights.json");
  ASSERT_TRUE(WriteFileAtomically(arch, R"({"op0": [0.1, 0.6, 0.3, 0, 0], "op1": "identity",
                                            "skip1": []})")
                  .ok());
  DrawOptions o = SmallCnn("weights.dot");
  o.space_options = {{"layers", 2}};
  o.architecture = arch;
  absl::StatusOr<DrawResult> result = Draw(o);
  ASSERT_TRUE(result.ok()) << result.status();
  std::string dot = *ReadFile(result->dot_path);
  EXPECT_THAT(dot, HasSubstr("<b>conv5x5  0.6</b>"));
  EXPECT_THAT(dot, HasSubstr(">maxpool3x3  0</font>"));
  EXPECT_EQ(Count(dot, "(nothing selected)"), 1);
}

TEST(DrawTest, ToyCellHasAClusterAndInputEdges) {
  std::string dot = DrawToy("cell");
  std::string cell = Cluster(dot, "cluster_cell");
  ASSERT_FALSE(cell.empty()) << dot;
  EXPECT_THAT(cell, HasSubstr("<b>cell</b> <font point-size=\"9\">MutableScope</font>"));
  // The scope's body is not a cluster of its own; its choices are inside.
  EXPECT_EQ(Count(dot, "subgraph"), 1);
  for (const char* path : {"cell.body.a", "cell.body.b", "cell.body.pick", "cell.body.any"}) {
    EXPECT_THAT(cell, HasSubstr(absl::StrCat("\"", path, "\" [shape=plaintext"))) << path;
  }
  EXPECT_THAT(cell, HasSubstr("<b>cell_a</b>"));
  EXPECT_THAT(cell, HasSubstr("at cell.body.a"));
  EXPECT_THAT(cell, HasSubstr("InputChoice · choose 1 · sum"));
  EXPECT_THAT(cell, HasSubstr("InputChoice · choose any · mean"));
  // Sources by key; inputs without a key have a row but no edge.
  EXPECT_THAT(dot, HasSubstr("\"cell.body.a\":\"h\":e -> \"cell.body.pick\":\"c0\":e"));
  EXPECT_THAT(dot, HasSubstr("\"cell.body.b\":\"h\":e -> \"cell.body.pick\":\"c1\":e"));
  EXPECT_THAT(dot, HasSubstr(">(input 2)</td>"));
  EXPECT_EQ(Count(dot, "-> \"cell.body.any\":"), 0);
  EXPECT_EQ(Count(dot, ">(input "), 5);  // pick's third, any's three, skip's second
  // A scope as a source: the edge leaves the cluster.
  EXPECT_THAT(dot, HasSubstr("-> \"skip\":\"c0\":e [ltail=\"cluster_cell\""));
  EXPECT_THAT(dot, HasSubstr("compound=true"));
  EXPECT_EQ(Count(dot, "{"), Count(dot, "}"));
}

TEST(DrawTest, ToyCellArchitecture) {
  Architecture arch;
  arch.set("cell_a", "maxpool");
  arch.set("cell_b", "conv1x1");
  arch.set("pick", "cell_b");
  arch.set("any", Json::array({0, 1}));
  arch.set("skip", "cell");
  std::string dot = DrawToy("cell", &arch);
  EXPECT_THAT(
      dot, HasSubstr("\"cell.body.b\":\"h\":e -> \"cell.body.pick\":\"c1\":e [color=\"#238b45\""));
  EXPECT_THAT(
      dot, HasSubstr("\"cell.body.a\":\"h\":e -> \"cell.body.pick\":\"c0\":e [color=\"#a0a0a0\""));
  EXPECT_THAT(dot, HasSubstr("[ltail=\"cluster_cell\", color=\"#238b45\""));
  EXPECT_EQ(Count(dot, "bgcolor=\"#c7e9c0\""), 6);
}

TEST(DrawTest, ToyChainAndNested) {
  std::string chain = DrawToy("chain");
  EXPECT_EQ(Count(chain, "key shared by 2 modules"), 2);
  EXPECT_THAT(chain, HasSubstr("at shared_a"));
  EXPECT_THAT(chain, HasSubstr("<b>unnamed</b>"));
  EXPECT_THAT(chain, HasSubstr("\"head\" [shape=box"));

  std::string nested = DrawToy("nested");
  std::string blocks = Cluster(nested, "cluster_blocks");
  ASSERT_FALSE(blocks.empty()) << nested;
  EXPECT_THAT(blocks, HasSubstr("<b>blocks</b> <font point-size=\"9\">Sequential</font>"));
  EXPECT_THAT(blocks, HasSubstr("\"blocks.0.choice\" [shape=plaintext"));
  EXPECT_THAT(blocks, HasSubstr("\"blocks.1.bn\" [shape=box"));
  EXPECT_EQ(Count(nested, "subgraph"), 1);  // one choice per block: no cluster per block
}

TEST(DrawTest, BadInput) {
  DrawOptions o = SmallCnn("bad.dot");
  o.space = "nope";
  EXPECT_THAT(Draw(o).status().message(), HasSubstr("unknown space 'nope'"));
  o.space = "";
  EXPECT_THAT(Draw(o).status().message(), HasSubstr("--space is required; registered: "));
  o = SmallCnn("bad.dot");
  o.space_options = {{"layerz", 2}};
  EXPECT_THAT(Draw(o).status().message(), HasSubstr("layerz"));
  o = SmallCnn("bad.dot");
  o.architecture = Tmp("missing.json");
  EXPECT_THAT(Draw(o).status().message(), HasSubstr("missing.json"));
  std::string extra = Tmp("extra.json");
  ASSERT_TRUE(WriteFileAtomically(extra, R"({"op0": "conv3x3", "op1": "conv3x3", "op2": "conv3x3",
      "skip1": [], "skip2": [], "op9": "conv3x3"})")
                  .ok());
  o.architecture = extra;
  absl::Status s = Draw(o).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("extra.json"));
  EXPECT_THAT(s.message(), HasSubstr("op9"));
  std::string wrong = Tmp("wrong.json");
  ASSERT_TRUE(WriteFileAtomically(wrong, R"({"op0": "conv7x7", "op1": "conv3x3", "op2": "conv3x3",
      "skip1": [], "skip2": []})")
                  .ok());
  o.architecture = wrong;
  EXPECT_THAT(Draw(o).status().message(), HasSubstr("conv7x7"));
  EXPECT_FALSE(FileExists(Tmp("bad.dot")));
  o = SmallCnn("");
  o.output = "";
  EXPECT_THAT(Draw(o).status().message(), HasSubstr("--output is required"));
}

TEST(DrawTest, MissingGraphvizIsANoteNotAnError) {
  std::string saved = std::getenv("PATH");
  setenv("PATH", std::getenv("TEST_TMPDIR"), 1);  // no `dot` there
  DrawOptions o = SmallCnn("nodot.dot");
  o.render_svg = true;
  absl::StatusOr<DrawResult> result = Draw(o);
  setenv("PATH", saved.c_str(), 1);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(FileExists(Tmp("nodot.dot")));
  EXPECT_EQ(result->svg_path, "");
  EXPECT_THAT(result->note, HasSubstr("apt-get install graphviz"));
  EXPECT_FALSE(FileExists(Tmp("nodot.svg")));
}

}  // namespace
}  // namespace nas::tools
