// The FLOPs table: exact against counting whole fixed networks, against an
// independent formula, and the paper space's range.
#include "algorithms/spos/flops_table.h"

#include <cstdio>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/utils.h>

#include "nas/analysis/flops.h"
#include "nas/core/architecture.h"
#include "nas/core/fixed_architecture.h"
#include "nas/testing/status_matchers.h"
#include "nas/testing/tensor_matchers.h"

namespace nas::spos {
namespace {

using ::nas::testing::StatusIs;
using ::nas::testing::TensorEq;
using ::testing::HasSubstr;

const std::vector<int> kAuthorsChoice = {2, 1, 0, 1, 2, 0, 2, 0, 2, 0,
                                         2, 3, 0, 0, 0, 0, 3, 2, 3, 3};

ShuffleNetSpaceOptions Preset(const std::string& name) { return *ShuffleNetPreset(name); }

Architecture ArchitectureOf(const std::vector<int>& choices) {
  Json j = Json::object();
  for (size_t b = 0; b < choices.size(); ++b) {
    std::vector<bool> one_hot(kNumShuffleNetCandidates, false);
    one_hot[choices[b]] = true;
    j["LayerChoice" + std::to_string(b + 1)] = one_hot;
  }
  return *Architecture::from_json(j);
}

std::vector<int> RandomChoices(int blocks, std::mt19937& rng) {
  std::uniform_int_distribution<int> pick(0, kNumShuffleNetCandidates - 1);
  std::vector<int> choices;
  for (int b = 0; b < blocks; ++b) choices.push_back(pick(rng));
  return choices;
}

// nas::CountCost on the whole network fixed to `choices`.
ModelCost CountFixedNetwork(const ShuffleNetSpaceOptions& options,
                            const std::vector<int>& choices) {
  auto net = std::make_shared<ShuffleNetSupernetImpl>(options);
  apply_fixed_architecture(net, ArchitectureOf(choices));
  absl::StatusOr<ModelCost> cost = CountCost(
      *net, [&](const at::Tensor& x) { return net->forward(x); }, net->input_shape());
  EXPECT_OK(cost);
  return cost.ok() ? *cost : ModelCost{};
}

// The paper network's MACs by formula, written out independently of the
// library: per block from its geometry, convs and FC only, batch 1.
int64_t PaperMacsByFormula(int candidate) {
  const int64_t repeats[] = {4, 4, 8, 4};
  const int64_t channels[] = {64, 160, 320, 640};
  int64_t size = 224 / 2;                       // after the stride-2 stem
  int64_t macs = size * size * 3 * 16 * 3 * 3;  // stem conv3x3, 3 -> 16
  int64_t in = 16;
  for (int s = 0; s < 4; ++s) {
    for (int i = 0; i < repeats[s]; ++i) {
      const int64_t out = channels[s], mid = out / 2;
      const bool first = i == 0;
      const int64_t h = size, ho = first ? size / 2 : size;  // input, output size
      const int64_t main_in = first ? in : in / 2;           // stride 1: one half
      const int64_t main_out = out - main_in;                // "oup - inp"
      const int64_t k = candidate == 3 ? 3 : 3 + 2 * candidate;
      if (candidate < 3) {
        macs += h * h * main_in * mid;     // pw, at the input resolution
        macs += ho * ho * mid * k * k;     // dw kxk (stride)
        macs += ho * ho * mid * main_out;  // pw-linear
      } else {
        macs += ho * ho * main_in * 3 * 3;  // dw3x3 (stride)
        macs += ho * ho * main_in * mid;    // pw
        macs += ho * ho * mid * 3 * 3;      // dw3x3
        macs += ho * ho * mid * mid;        // pw
        macs += ho * ho * mid * 3 * 3;      // dw3x3
        macs += ho * ho * mid * main_out;   // pw
      }
      if (first) {
        macs += ho * ho * in * k * k;  // projection dw kxk stride 2
        macs += ho * ho * in * in;     // projection pw
      }
      size = ho;
      in = out;
    }
  }
  macs += size * size * 640 * 1024;  // head conv1x1 at 7x7
  macs += 1024 * 1000;               // FC
  return macs;
}

class FlopsTableTest : public ::testing::Test {
 protected:
  void SetUp() override { torch::manual_seed(0); }
};

TEST_F(FlopsTableTest, TableEqualsCountingTheWholeFixedNetwork) {
  std::mt19937 rng(2020);
  for (const std::string preset : {"paper", "cifar10", "fashion_mnist"}) {
    for (bool affine : {false, true}) {
      if (preset == "paper" && affine) continue;  // the same code path; saves time
      SCOPED_TRACE(preset + (affine ? " affine" : ""));
      ShuffleNetSpaceOptions o = Preset(preset);
      o.affine = affine;
      absl::StatusOr<FlopsTable> table = FlopsTable::Build(o);
      ASSERT_OK(table);
      std::vector<std::vector<int>> archs = {table->min_macs_choices(), table->max_macs_choices()};
      for (int i = 0; i < 3; ++i) archs.push_back(RandomChoices(table->num_blocks(), rng));
      if (preset == "paper") archs.push_back(kAuthorsChoice);
      for (const auto& choices : archs) {
        ModelCost counted = CountFixedNetwork(o, choices);
        EXPECT_EQ(table->macs(choices), counted.macs);
        EXPECT_EQ(table->parameters(choices), counted.parameters);
      }
    }
  }
}

TEST_F(FlopsTableTest, IndependentFormulaAgreesForAllK3AndAllXception) {
  absl::StatusOr<FlopsTable> table = FlopsTable::Build(ShuffleNetSpaceOptions());
  ASSERT_OK(table);
  for (int candidate : {0, 3}) {
    SCOPED_TRACE(ShuffleNetCandidateNames()[candidate]);
    EXPECT_EQ(table->macs(std::vector<int>(20, candidate)), PaperMacsByFormula(candidate));
  }
  // The same numbers, pinned.
  EXPECT_EQ(PaperMacsByFormula(0), 295'842'496);
  EXPECT_EQ(PaperMacsByFormula(3), 358'825'920);
}

TEST_F(FlopsTableTest, PaperSpaceSpansThePublishedWindow) {
  absl::StatusOr<FlopsTable> table = FlopsTable::Build(ShuffleNetSpaceOptions());
  ASSERT_OK(table);
  const int64_t published = table->macs(kAuthorsChoice);
  std::printf(
      "paper: fixed %.2fM MACs, range %.2fM-%.2fM, published block choice %.2fM, "
      "parameters %.3fM-%.3fM (published %.3fM)\n",
      table->fixed_macs() / 1e6, table->min_macs() / 1e6, table->max_macs() / 1e6, published / 1e6,
      table->parameters(table->min_macs_choices()) / 1e6,
      table->parameters(table->max_macs_choices()) / 1e6, table->parameters(kAuthorsChoice) / 1e6);
  // SPOS samples paths in 290M-360M bins and searches under 330M; the space
  // spans that window and a little more on both sides.
  EXPECT_GT(table->min_macs(), 250'000'000);
  EXPECT_LT(table->min_macs(), 290'000'000);
  EXPECT_GT(table->max_macs(), 360'000'000);
  EXPECT_LT(table->max_macs(), 420'000'000);
  // The searched network is a ~320M one (the paper: 319M for block search).
  EXPECT_GT(published, 300'000'000);
  EXPECT_LT(published, 340'000'000);
  // Exactly what the authors' counting gives (their table rounds to 323M).
  EXPECT_EQ(published, 322'918'720);
  // The smallest path: k3, except Xception on the four stride-2 blocks
  // (its first depthwise conv strides before any pointwise conv, while a
  // ShuffleNetV2 block's first pointwise conv runs at the input resolution).
  std::vector<int> smallest(20, 0);
  for (int b : {0, 4, 8, 16}) smallest[b] = 3;
  EXPECT_EQ(table->min_macs_choices(), smallest);
  for (const char* preset : {"cifar10", "fashion_mnist"}) {
    absl::StatusOr<FlopsTable> small = FlopsTable::Build(Preset(preset));
    ASSERT_OK(small);
    std::printf("%s: %d blocks, fixed %.3fM MACs, range %.3fM-%.3fM, parameters %.3fM-%.3fM\n",
                preset, small->num_blocks(), small->fixed_macs() / 1e6, small->min_macs() / 1e6,
                small->max_macs() / 1e6, small->parameters(small->min_macs_choices()) / 1e6,
                small->parameters(small->max_macs_choices()) / 1e6);
  }
}

TEST_F(FlopsTableTest, ArchitecturesAndDecisionsConvertStrictly) {
  absl::StatusOr<FlopsTable> table = FlopsTable::Build(Preset("fashion_mnist"));
  ASSERT_OK(table);
  const std::vector<int> choices = {3, 0, 2, 1, 1, 3};
  absl::StatusOr<std::vector<int>> back = table->choices(ArchitectureOf(choices));
  ASSERT_OK(back);
  EXPECT_EQ(*back, choices);
  EXPECT_EQ(*table->macs_of(ArchitectureOf(choices)), table->macs(choices));
  EXPECT_EQ(*table->parameters_of(ArchitectureOf(choices)), table->parameters(choices));
  // Names work as well as NNI's bool lists.
  Architecture named = ArchitectureOf(choices);
  named.set("LayerChoice1", "xception_3x3");
  EXPECT_EQ(*table->choices(named), choices);

  Architecture missing = ArchitectureOf({0, 0, 0, 0, 0});
  EXPECT_THAT(table->choices(missing),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("LayerChoice6")));
  Architecture two = ArchitectureOf(choices);
  two.set("LayerChoice2", Json::array({true, true, false, false}));
  EXPECT_THAT(table->choices(two),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("LayerChoice2: a SPOS path selects exactly one candidate")));
  Architecture weights = ArchitectureOf(choices);
  weights.set("LayerChoice4", Json::array({0.1, 0.7, 0.1, 0.1}));
  EXPECT_THAT(table->choices(weights),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("LayerChoice4: a SPOS path selects exactly one "
                                 "candidate (a one-hot bool mask), got weights")));
  EXPECT_THROW(table->macs({0, 0, 0}), c10::Error);
  EXPECT_THROW(table->macs({0, 0, 0, 0, 0, 4}), c10::Error);
}

TEST_F(FlopsTableTest, JsonHoldsEveryEntry) {
  absl::StatusOr<FlopsTable> table = FlopsTable::Build(Preset("fashion_mnist"));
  ASSERT_OK(table);
  Json j = table->to_json();
  ASSERT_EQ(j["blocks"].size(), 6u);
  EXPECT_EQ(j["blocks"][0]["key"], "LayerChoice1");
  EXPECT_EQ(j["blocks"][0]["stride"], 2);
  EXPECT_EQ(j["blocks"][0]["input_size"], 28);
  EXPECT_EQ(j["blocks"][5]["macs"][3], table->block_macs(5, 3));
  EXPECT_EQ(j["blocks"][2]["parameters"][1], table->block_parameters(2, 1));
  EXPECT_EQ(j["fixed"]["macs"], table->fixed_macs());
  EXPECT_EQ(j["min_macs"], table->min_macs());
  EXPECT_EQ(j["max_macs"], table->max_macs());
  EXPECT_EQ(j["options"], ShuffleNetSpaceOptionsToJson(Preset("fashion_mnist")));
  EXPECT_EQ(j["candidates"].size(), 4u);
}

TEST_F(FlopsTableTest, BuildingLeavesTheGlobalRngAlone) {
  torch::manual_seed(5);
  at::Tensor expected = torch::rand({4});
  torch::manual_seed(5);
  ASSERT_OK(FlopsTable::Build(Preset("fashion_mnist")));
  EXPECT_THAT(torch::rand({4}), TensorEq(expected));
}

TEST_F(FlopsTableTest, InvalidOptionsAreRejected) {
  ShuffleNetSpaceOptions o;
  o.image_size = 100;
  EXPECT_THAT(FlopsTable::Build(o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("image_size must be divisible by the total stride 32")));
}

}  // namespace
}  // namespace nas::spos
