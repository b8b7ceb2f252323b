// The ENAS spaces: registered, their keys and candidates as the paper's,
// forward shapes on 28x28x1 and 32x32x3, fixed children that run, and
// strict options.
#include <gtest/gtest.h>
#include <torch/types.h>

#include "algorithms/enas/macro_space.h"
#include "algorithms/enas/micro_space.h"
#include "nas/core/architecture.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/space_registry.h"
#include "nas/core/uniform_sampling.h"

namespace nas::enas {
namespace {

TEST(MacroSpaceTest, KeysAndCandidates) {
  auto built = SpaceRegistry().Lookup("enas_macro");
  ASSERT_TRUE(built.ok());
  auto model = (*built)(Json::parse(R"({"layers": 4, "channels": 4})"));
  ASSERT_TRUE(model.ok()) << model.status();
  auto space = SearchSpaceOf(*model->model);
  ASSERT_TRUE(space.ok()) << space.status();
  // 4 ops + 3 skips.
  ASSERT_EQ(space->choices().size(), 7u);
  const ChoiceSpec* op = space->find("layer_0_op");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->candidates, (std::vector<std::string>{"conv3x3", "sepconv3x3", "conv5x5",
                                                      "sepconv5x5", "avgpool", "maxpool"}));
  const ChoiceSpec* skip = space->find("layer_3_skip");
  ASSERT_NE(skip, nullptr);
  EXPECT_EQ(skip->candidates, (std::vector<std::string>{"layer_0", "layer_1", "layer_2"}));
  EXPECT_FALSE(skip->n_chosen.has_value());
  EXPECT_EQ(space->find("layer_0_skip"), nullptr);
}

TEST(MacroSpaceTest, FixedChildrenRunOnBothInputSizes) {
  for (const char* options : {R"({"layers": 6, "channels": 4})",
                              R"({"preset": "paper", "layers": 3, "channels": 4, "classes": 7})"}) {
    auto model = MakeEnasMacro(Json::parse(options));
    ASSERT_TRUE(model.ok()) << model.status();
    auto space = SearchSpaceOf(*model->model);
    ASSERT_TRUE(space.ok());
    std::mt19937_64 rng(3);
    Decisions d = SampleUniformDecisions(*space, rng);
    ASSERT_TRUE(
        ApplyFixedArchitecture(*model->model, Architecture::from_decisions(d, *space)).ok());
    std::vector<int64_t> shape = {2};
    shape.insert(shape.end(), model->input_shape.begin(), model->input_shape.end());
    at::Tensor out = model->forward(torch::randn(shape));
    const int64_t classes = Json::parse(options).value("classes", 10);
    EXPECT_EQ(out.sizes(), (std::vector<int64_t>{2, classes}));
    out.sum().backward();
  }
}

TEST(MicroSpaceTest, KeysSharedPerCellType) {
  auto model = MakeEnasMicro(Json::parse(R"({"channels": 4, "nodes": 3})"));
  ASSERT_TRUE(model.ok()) << model.status();
  auto space = SearchSpaceOf(*model->model);
  ASSERT_TRUE(space.ok()) << space.status();
  // Per cell type: 3 nodes x (2 inputs + 2 ops); 5 cells share them.
  EXPECT_EQ(space->choices().size(), 2u * 3u * 4u);
  const ChoiceSpec* input = space->find("reduce_node_2_y_input");
  ASSERT_NE(input, nullptr);
  EXPECT_EQ(input->candidates,
            (std::vector<std::string>{"", "", "reduce_node_0", "reduce_node_1"}));
  EXPECT_EQ(input->n_chosen, std::optional<int64_t>(1));
  const ChoiceSpec* op = space->find("normal_node_0_x_op");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->candidates, (std::vector<std::string>{"sepconv3x3", "sepconv5x5", "avgpool3x3",
                                                      "maxpool3x3", "identity"}));
}

TEST(MicroSpaceTest, FixedChildrenRunOnBothInputSizes) {
  for (const char* options :
       {R"({"channels": 4, "nodes": 3})",
        R"({"preset": "paper", "channels": 4, "cells_per_stage": 1, "nodes": 2})"}) {
    auto model = MakeEnasMicro(Json::parse(options));
    ASSERT_TRUE(model.ok()) << model.status();
    auto space = SearchSpaceOf(*model->model);
    ASSERT_TRUE(space.ok());
    for (uint64_t seed : {1, 2}) {
      auto fresh = MakeEnasMicro(Json::parse(options));
      std::mt19937_64 rng(seed);
      Decisions d = SampleUniformDecisions(*space, rng);
      ASSERT_TRUE(
          ApplyFixedArchitecture(*fresh->model, Architecture::from_decisions(d, *space)).ok());
      std::vector<int64_t> shape = {2};
      shape.insert(shape.end(), fresh->input_shape.begin(), fresh->input_shape.end());
      at::Tensor out = fresh->forward(torch::randn(shape));
      EXPECT_EQ(out.sizes(), (std::vector<int64_t>{2, 10}));
    }
  }
}

TEST(SpaceOptionsTest, BadOptionsAreClearErrors) {
  auto unknown = MakeEnasMacro(Json::parse(R"({"layer": 3})"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(std::string(unknown.status().message()).find("layer"), std::string::npos);
  auto preset = MakeEnasMicro(Json::parse(R"({"preset": "imagenet"})"));
  ASSERT_FALSE(preset.ok());
  EXPECT_NE(std::string(preset.status().message()).find("unknown preset 'imagenet'"),
            std::string::npos);
  auto range = MakeEnasMicro(Json::parse(R"({"cells_per_stage": 0})"));
  ASSERT_FALSE(range.ok());
  EXPECT_NE(std::string(range.status().message()).find("cells_per_stage must be >= 1"),
            std::string::npos);
  auto type = MakeEnasMacro(Json::parse(R"({"channels": "many"})"));
  ASSERT_FALSE(type.ok());
  EXPECT_NE(std::string(type.status().message()).find("channels"), std::string::npos);
  EXPECT_EQ(
      MacroSpaceOptionsToJson(*MacroSpaceOptionsFromJson(Json::parse(R"({"preset": "paper"})"))),
      MacroSpaceOptionsToJson(*MacroSpaceOptionsFromJson(MacroSpaceOptionsToJson(
          *MacroSpaceOptionsFromJson(Json::parse(R"({"preset": "paper"})"))))));
}

}  // namespace
}  // namespace nas::enas
