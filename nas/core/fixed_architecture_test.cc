// Fixed architectures: plain child models, weights moving between supernet
// and child in either order, and loud refusals.
#include "nas/core/fixed_architecture.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

#include "nas/base/file.h"
#include "nas/core/layer_choice.h"
#include "nas/core/mutator.h"
#include "nas/testing/status_matchers.h"
#include "nas/testing/tensor_matchers.h"
#include "nas/testing/toy_spaces.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::nas::testing::TensorEq;
using ::nas::testing::TensorNear;
using ::testing::AllOf;
using ::testing::HasSubstr;

testing::ToySpace Toy(const std::string& name) {
  for (const auto& t : testing::ToySpaces()) {
    if (t.name == name) return t;
  }
  return {};
}

std::string Tmp(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

Architecture ChainArch() {
  return *Architecture::from_json(
      Json::parse(R"({"op1": "conv5x5", "shared": "conv1x1", "unnamed": 1})"));
}

class FixedMutator : public Mutator {
 public:
  FixedMutator(std::shared_ptr<torch::nn::Module> model, Architecture arch)
      : Mutator(std::move(model)), arch_(std::move(arch)) {}
  Decisions sample_search() override { return *arch_.resolve(search_space()); }
  Decisions sample_final() override { return sample_search(); }

 private:
  Architecture arch_;
};

class FixedArchitectureTest : public ::testing::Test {
 protected:
  void SetUp() override { torch::manual_seed(0); }
};

TEST_F(FixedArchitectureTest, ChildIsAPlainModelWithTheSupernetsNames) {
  auto toy = Toy("chain");
  auto child = toy.make();
  apply_fixed_architecture(child, ChainArch());
  auto names = child->named_parameters().keys();
  EXPECT_THAT(names, ::testing::Contains("op1.conv5x5.weight"));
  EXPECT_THAT(names, ::testing::Not(::testing::Contains("op1.conv3x3.weight")));
  EXPECT_THAT(names, ::testing::Contains("shared_b.conv1x1.weight"));
  // Runs without any mutator.
  EXPECT_EQ(toy.forward(*child, testing::ToyInput()).sizes(), (std::vector<int64_t>{2, 4}));
  std::ostringstream s;
  for (const auto& m : child->named_modules()) {
    if (auto* lc = dynamic_cast<LayerChoiceImpl*>(m.value().get())) lc->pretty_print(s);
  }
  EXPECT_THAT(s.str(), HasSubstr("key=op1, candidates=[conv3x3, conv5x5, maxpool], "
                                 "reduction=sum, fixed=[conv5x5]"));
}

TEST_F(FixedArchitectureTest, InputChoicesAreFixedToo) {
  auto toy = Toy("cell");
  auto child = toy.make();
  auto arch = Architecture::from_json(
      Json::parse(R"({"cell_a": 0, "cell_b": 1, "pick": ["cell_b"], "any": [0, 1], "skip": 1})"));
  ASSERT_OK(ApplyFixedArchitecture(*child, *arch));
  EXPECT_EQ(toy.forward(*child, testing::ToyInput()).sizes(), (std::vector<int64_t>{2, 4}));
}

TEST_F(FixedArchitectureTest, SupernetWeightsReachTheChildInEitherOrder) {
  auto toy = Toy("chain");
  auto supernet = toy.make();
  std::string path = Tmp("supernet.pt");
  ASSERT_OK(SaveWeights(*supernet, path));

  auto load_then_fix = toy.make();
  ASSERT_OK(LoadWeights(*load_then_fix, path));
  ASSERT_OK(ApplyFixedArchitecture(*load_then_fix, ChainArch()));

  auto fix_then_load = toy.make();
  ASSERT_OK(ApplyFixedArchitecture(*fix_then_load, ChainArch()));
  ASSERT_OK(LoadWeights(*fix_then_load, path, WeightLoad::kInheritFromSupernet));

  // Both equal the supernet running the same architecture.
  FixedMutator m(supernet, ChainArch());
  m.reset();
  at::Tensor x = testing::ToyInput();
  at::Tensor expected = toy.forward(*supernet, x);
  EXPECT_THAT(toy.forward(*load_then_fix, x), TensorNear(expected, 1e-8, 1e-5));
  EXPECT_THAT(toy.forward(*fix_then_load, x), TensorNear(expected, 1e-8, 1e-5));
}

TEST_F(FixedArchitectureTest, LoudRefusals) {
  auto toy = Toy("chain");
  auto child = toy.make();
  ASSERT_OK(ApplyFixedArchitecture(*child, ChainArch()));
  std::string child_path = Tmp("child.pt");
  ASSERT_OK(SaveWeights(*child, child_path));

  // A child checkpoint into an unfixed model: tensors missing.
  auto supernet = toy.make();
  EXPECT_THAT(LoadWeights(*supernet, child_path),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("lacks"), HasSubstr("op1.conv3x3"))));

  // A supernet checkpoint loaded exactly into a child: extra tensors.
  std::string super_path = Tmp("super.pt");
  ASSERT_OK(SaveWeights(*supernet, super_path));
  auto other = toy.make();
  ASSERT_OK(ApplyFixedArchitecture(*other, ChainArch()));
  EXPECT_THAT(LoadWeights(*other, super_path),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kInheritFromSupernet")));

  // Different shapes.
  torch::nn::Linear small(2, 3), big(2, 4);
  std::string lin = Tmp("lin.pt");
  ASSERT_OK(SaveWeights(*small, lin));
  EXPECT_THAT(LoadWeights(*big, lin),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'bias' has shape [3] but the model's has shape [4]")));

  // Corrupt and missing files; the target keeps its weights.
  std::string corrupt = Tmp("corrupt.pt");
  ASSERT_OK(WriteFileAtomically(corrupt, "not a checkpoint"));
  at::Tensor before = big->weight.clone();
  EXPECT_THAT(LoadWeights(*big, corrupt), StatusIs(absl::StatusCode::kInvalidArgument,
                                                   HasSubstr("not a readable weights file")));
  EXPECT_THAT(big->weight, TensorEq(before));
  EXPECT_THAT(LoadWeights(*big, Tmp("nothing.pt")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no weights file")));
}

TEST_F(FixedArchitectureTest, ArchitectureMustMatchTheModel) {
  auto child = Toy("chain").make();
  auto bad =
      Architecture::from_json(Json::parse(R"({"op1": "conv7x7", "shared": 0, "unnamed": 0})"));
  EXPECT_THAT(ApplyFixedArchitecture(*child, *bad),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("key 'op1': unknown candidate 'conv7x7'")));
  // Nothing was fixed: a correct architecture still applies.
  EXPECT_OK(ApplyFixedArchitecture(*child, ChainArch()));
}

TEST_F(FixedArchitectureTest, ApplyOnceAndNeverOnABoundModel) {
  auto child = Toy("chain").make();
  ASSERT_OK(ApplyFixedArchitecture(*child, ChainArch()));
  EXPECT_THAT(ApplyFixedArchitecture(*child, ChainArch()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("already has a fixed architecture")));
  EXPECT_THAT([&] { FixedMutator m(child, ChainArch()); },
              ::testing::ThrowsMessage<c10::Error>(HasSubstr("has a fixed architecture")));
  auto bound = Toy("chain").make();
  FixedMutator m(bound, ChainArch());
  EXPECT_THAT(ApplyFixedArchitecture(*bound, ChainArch()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("bound to a mutator")));
}

TEST_F(FixedArchitectureTest, FixedCheckpointsReloadAndFixedModelsClone) {
  auto toy = Toy("nested");
  auto arch = Architecture::from_json(
      Json::parse(R"({"blocks.0.choice": "conv5x5", "blocks.1.choice": "conv3x3"})"));
  auto a = toy.make();
  ASSERT_OK(ApplyFixedArchitecture(*a, *arch));
  std::string path = Tmp("fixed.pt");
  ASSERT_OK(SaveWeights(*a, path));
  auto b = toy.make();
  ASSERT_OK(ApplyFixedArchitecture(*b, *arch));
  ASSERT_OK(LoadWeights(*b, path));
  a->eval();
  b->eval();
  at::Tensor x = testing::ToyInput();
  EXPECT_THAT(toy.forward(*b, x), TensorEq(toy.forward(*a, x)));
  // A clone of a fixed choice (an EMA copy, a snapshot) is a deep copy that
  // keeps the fixed candidate and runs the same.
  auto* fixed = dynamic_cast<LayerChoiceImpl*>(a->named_modules()["blocks.0.choice"].get());
  ASSERT_NE(fixed, nullptr);
  auto copy = std::dynamic_pointer_cast<LayerChoiceImpl>(fixed->clone());
  at::Tensor features = torch::randn({2, 8, 4, 4});
  EXPECT_TRUE(copy->is_fixed());
  EXPECT_EQ(copy->named_parameters().keys(), fixed->named_parameters().keys());
  EXPECT_THAT(copy->forward(features), TensorEq(fixed->forward(features)));
}

// NNI's SPOS example names its choices LayerChoice1, LayerChoice2, ... and
// writes bool one-hot lists; a model that names its keys the same loads them.
struct NniKeysImpl : torch::nn::Module {
  NniKeysImpl() {
    for (int i = 1; i <= 3; ++i) {
      std::string key = "LayerChoice" + std::to_string(i);
      choices.push_back(register_module(
          "block" + std::to_string(i),
          LayerChoice(
              std::vector<torch::nn::AnyModule>{torch::nn::AnyModule(torch::nn::Linear(4, 4)),
                                                torch::nn::AnyModule(torch::nn::Linear(4, 4))},
              LayerChoiceOptions().key(key))));
    }
  }
  at::Tensor forward(at::Tensor x) {
    for (auto& c : choices) x = c(x);
    return x;
  }
  std::vector<LayerChoice> choices;
};

TEST_F(FixedArchitectureTest, NniSposStyleFileLoadsIntoAMatchingModel) {
  std::string path = Tmp("nni_spos.json");
  ASSERT_OK(WriteFileAtomically(path, R"({"LayerChoice1": [false, true],
      "LayerChoice2": [true, false], "LayerChoice3": [false, true]})"));
  auto model = std::make_shared<NniKeysImpl>();
  auto arch = ReadArchitecture(path);
  ASSERT_OK(arch);
  ASSERT_OK(ApplyFixedArchitecture(*model, *arch));
  EXPECT_THAT(model->named_parameters().keys(), ::testing::Contains("block1.1.weight"));
  EXPECT_THAT(model->named_parameters().keys(), ::testing::Contains("block2.0.weight"));
  EXPECT_EQ(model->named_parameters().size(), 6u);
  EXPECT_EQ(model->forward(torch::ones({1, 4})).sizes(), (std::vector<int64_t>{1, 4}));
}

}  // namespace
}  // namespace nas
