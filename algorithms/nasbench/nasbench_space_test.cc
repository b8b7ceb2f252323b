#include "algorithms/nasbench/nasbench_space.h"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/utils.h>

#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable_tree.h"
#include "nas/testing/status_matchers.h"
#include "nas/testing/tensor_matchers.h"

namespace nas::nasbench {
namespace {

using ::nas::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(NasbenchSpaceTest, ThreeSharedEdgesOfSixOperations) {
  absl::StatusOr<BuiltSpace> built = MakeNasbenchSpace(Json{{"cells", 2}});
  ASSERT_OK(built);
  absl::StatusOr<SearchSpace> space = SearchSpaceOf(*built->model);
  ASSERT_OK(space);
  ASSERT_EQ(space->choices().size(), 3u);  // six cells share three keys
  for (const ChoiceSpec& spec : space->choices()) {
    EXPECT_THAT(spec.candidates, ElementsAre("none", "skip_connect", "conv_1x1", "conv_3x3",
                                             "avg_pool_3x3", "max_pool_3x3"))
        << spec.key;
  }
  EXPECT_EQ(space->choices()[0].key, "e0_1");
  EXPECT_EQ(built->classes, 10);
  ASSERT_OK(ApplyFixedArchitecture(*built->model, NasbenchArchitecture({3, 2, 1})));
  EXPECT_EQ(built->forward(torch::zeros({2, 1, 28, 28})).sizes(), (std::vector<int64_t>{2, 10}));
}

TEST(NasbenchSpaceTest, EveryCellIsAFixedNetwork) {
  std::vector<NasbenchCell> cells = AllNasbenchCells();
  ASSERT_EQ(cells.size(), 216u);
  std::set<std::string> strings, functions;
  for (const NasbenchCell& cell : cells) {
    strings.insert(NasbenchCellString(cell));
    functions.insert(NasbenchFunctionKey(cell));
  }
  EXPECT_EQ(strings.size(), 216u);
  EXPECT_EQ(functions.size(), 186u);  // with e1_2 = none, e0_1 does not matter
  // A few cells, fixed: the child runs and has only its operations' weights.
  for (const NasbenchCell& cell : {cells.front(), cells[123], cells.back()}) {
    absl::StatusOr<BuiltSpace> built = MakeNasbenchSpace(Json::object());
    ASSERT_OK(ApplyFixedArchitecture(*built->model, NasbenchArchitecture(cell)));
    EXPECT_EQ(built->forward(torch::randn({2, 1, 28, 28})).sizes(), (std::vector<int64_t>{2, 10}));
  }
}

TEST(NasbenchSpaceTest, ACutCellOutputsTheSameForEveryImage) {
  torch::manual_seed(0);
  absl::StatusOr<BuiltSpace> built = MakeNasbenchSpace(Json::object());
  ASSERT_OK(ApplyFixedArchitecture(*built->model, NasbenchArchitecture({3, 0, 0})));
  built->model->eval();
  at::Tensor out = built->forward(torch::randn({4, 1, 28, 28}));
  EXPECT_THAT(out[1], ::nas::testing::TensorNear(out[0], 1e-6));
}

TEST(NasbenchSpaceTest, StringsAndArchitecturesRoundTrip) {
  NasbenchCell cell = {3, 1, 0};
  EXPECT_EQ(NasbenchCellString(cell), "|conv_3x3~0|+|skip_connect~0|none~1|");
  absl::StatusOr<NasbenchCell> back =
      NasbenchCellFromString("|conv_3x3~0|+|skip_connect~0|none~1|");
  ASSERT_OK(back);
  EXPECT_EQ(*back, cell);
  absl::StatusOr<NasbenchCell> from_arch = NasbenchCellOf(NasbenchArchitecture(cell));
  ASSERT_OK(from_arch);
  EXPECT_EQ(*from_arch, cell);
  for (const char* bad :
       {"", "|conv_3x3~0|", "|conv_3x3~0|+|skip_connect~1|none~1|",
        "|conv_9x9~0|+|skip_connect~0|none~1|", "|conv_3x3~0|+|skip_connect~0|"}) {
    EXPECT_THAT(NasbenchCellFromString(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                                      HasSubstr("is not a nasbench_cell string")))
        << bad;
  }
  Architecture wrong = NasbenchArchitecture(cell);
  wrong.set("e1_2", "conv_5x5");
  EXPECT_THAT(NasbenchCellOf(wrong),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'e1_2'")));
}

TEST(NasbenchSpaceTest, OptionsAreValidated) {
  EXPECT_THAT(MakeNasbenchSpace(Json{{"channels", 0}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("options.channels must be in [1, 256]")));
  EXPECT_THAT(MakeNasbenchSpace(Json{{"image_size", 30}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("multiple of 4")));
  EXPECT_THAT(MakeNasbenchSpace(Json{{"cell", 1}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown member nasbench_cell options.cell")));
  NasbenchSpaceOptions o;
  o.affine = false;
  absl::StatusOr<NasbenchSpaceOptions> back =
      NasbenchSpaceOptionsFromJson(NasbenchSpaceOptionsToJson(o));
  ASSERT_OK(back);
  EXPECT_FALSE(back->affine);
}

}  // namespace
}  // namespace nas::nasbench
