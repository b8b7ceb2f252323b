// The SPOS ShuffleNetV2 space: registration, geometry, presets, NNI's
// architecture files, blocks, BN affine, the authors' init, options.
#include "algorithms/spos/shufflenet_space.h"

#include <cstdlib>
#include <fstream>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

#include "nas/base/file.h"
#include "nas/core/architecture.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/mutator.h"
#include "nas/core/space_registry.h"
#include "nas/testing/status_matchers.h"
#include "nas/testing/tensor_matchers.h"
#include "nas/train/weight_decay.h"

namespace nas::spos {
namespace {

using ::nas::testing::StatusIs;
using ::nas::testing::TensorEq;
using ::nas::testing::TensorNear;
using ::testing::AllOfArray;
using ::testing::HasSubstr;

// The block-search architecture the SPOS authors released (their table: 323M
// FLOPs, 3.5M parameters; 0 = k3, 1 = k5, 2 = k7, 3 = Xception). NNI's example
// architecture (0 0 3 1 1 1 0 0 2 0 2 1 1 0 2 0 2 1 3 2, 318.7M MACs) is not it.
const std::vector<int> kAuthorsChoice = {2, 1, 0, 1, 2, 0, 2, 0, 2, 0,
                                         2, 3, 0, 0, 0, 0, 3, 2, 3, 3};

std::string Tmp(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

// NNI's SPOS architecture file: a bool one-hot list per LayerChoice<i>.
Json NniArchitectureJson(const std::vector<int>& choices) {
  Json j = Json::object();
  for (size_t b = 0; b < choices.size(); ++b) {
    std::vector<bool> one_hot(kNumShuffleNetCandidates, false);
    one_hot[choices[b]] = true;
    j["LayerChoice" + std::to_string(b + 1)] = one_hot;
  }
  return j;
}

Architecture ArchitectureOf(const std::vector<int>& choices) {
  return *Architecture::from_json(NniArchitectureJson(choices));
}

std::vector<int> RandomChoices(int blocks, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pick(0, kNumShuffleNetCandidates - 1);
  std::vector<int> choices;
  for (int b = 0; b < blocks; ++b) choices.push_back(pick(rng));
  return choices;
}

ShuffleNetSpaceOptions Preset(const std::string& name) { return *ShuffleNetPreset(name); }

// Decisions from a fixed architecture (to drive the supernet).
class FixedMutator : public Mutator {
 public:
  FixedMutator(std::shared_ptr<torch::nn::Module> model, Architecture arch)
      : Mutator(std::move(model)), arch_(std::move(arch)) {}
  Decisions sample_search() override { return *arch_.resolve(search_space()); }
  Decisions sample_final() override { return sample_search(); }

 private:
  Architecture arch_;
};

class ShuffleNetSpaceTest : public ::testing::Test {
 protected:
  void SetUp() override { torch::manual_seed(0); }
};

TEST_F(ShuffleNetSpaceTest, RegisteredSpaceHasTwentyLayerChoicesWithFourNamedCandidates) {
  auto factory = SpaceRegistry().Lookup("spos_shufflenet");
  ASSERT_OK(factory);
  absl::StatusOr<BuiltSpace> built = (*factory)(Json::object());
  ASSERT_OK(built);
  EXPECT_EQ(built->input_shape, (std::vector<int64_t>{3, 224, 224}));
  absl::StatusOr<SearchSpace> space = SearchSpaceOf(*built->model);
  ASSERT_OK(space);
  Json j = space->to_json();
  ASSERT_EQ(j.size(), 20u);
  for (int i = 1; i <= 20; ++i) {
    const std::string key = "LayerChoice" + std::to_string(i);
    ASSERT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j[key]["_type"], "layer_choice");
    EXPECT_EQ(j[key]["_value"],
              Json({"shufflenet_3x3", "shufflenet_5x5", "shufflenet_7x7", "xception_3x3"}));
  }
  // The model-free space is the same.
  EXPECT_EQ(*space, ShuffleNetSearchSpace(ShuffleNetSpaceOptions()));
}

TEST_F(ShuffleNetSpaceTest, PaperGeometry) {
  std::vector<BlockGeometry> blocks = ShuffleNetBlocks(ShuffleNetSpaceOptions());
  ASSERT_EQ(blocks.size(), 20u);
  struct Expected {
    int index, stage;
    int64_t in, out, stride, size;
  };
  for (const Expected& e : std::vector<Expected>{{0, 0, 16, 64, 2, 112},
                                                 {1, 0, 64, 64, 1, 56},
                                                 {3, 0, 64, 64, 1, 56},
                                                 {4, 1, 64, 160, 2, 56},
                                                 {5, 1, 160, 160, 1, 28},
                                                 {8, 2, 160, 320, 2, 28},
                                                 {15, 2, 320, 320, 1, 14},
                                                 {16, 3, 320, 640, 2, 14},
                                                 {19, 3, 640, 640, 1, 7}}) {
    const BlockGeometry& b = blocks[e.index];
    SCOPED_TRACE(b.key);
    EXPECT_EQ(b.key, "LayerChoice" + std::to_string(e.index + 1));
    EXPECT_EQ(b.stage, e.stage);
    EXPECT_EQ(b.in_channels, e.in);
    EXPECT_EQ(b.out_channels, e.out);
    EXPECT_EQ(b.mid_channels, e.out / 2);
    EXPECT_EQ(b.stride, e.stride);
    EXPECT_EQ(b.input_size, e.size);
  }
  EXPECT_EQ(blocks.back().output_size(), 7);
}

TEST_F(ShuffleNetSpaceTest, PresetsForwardWithAFixedArchitecture) {
  struct Case {
    std::string preset;
    int64_t batch;
    std::vector<int64_t> logits;
  };
  // The paper network on one 224x224 image takes about a tenth of a second.
  for (const Case& c : std::vector<Case>{
           {"paper", 1, {1, 1000}}, {"cifar10", 2, {2, 10}}, {"fashion_mnist", 4, {4, 10}}}) {
    SCOPED_TRACE(c.preset);
    ShuffleNetSupernet net(Preset(c.preset));
    const int blocks = static_cast<int>(net->blocks.size());
    apply_fixed_architecture(net, ArchitectureOf(RandomChoices(blocks, 7)));
    std::vector<int64_t> shape = {c.batch};
    for (int64_t d : net->input_shape()) shape.push_back(d);
    at::Tensor logits = net(torch::randn(shape));
    EXPECT_EQ(logits.sizes(), c.logits);
    EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
  }
  EXPECT_EQ(ShuffleNetBlocks(Preset("fashion_mnist")).size(), 6u);
  EXPECT_EQ(ShuffleNetBlocks(Preset("fashion_mnist")).back().output_size(), 7);
  EXPECT_EQ(ShuffleNetBlocks(Preset("cifar10")).back().output_size(), 2);
}

TEST_F(ShuffleNetSpaceTest, FixedChildTrainsOnlyItsCandidates) {
  ShuffleNetSupernet net(Preset("fashion_mnist"));
  apply_fixed_architecture(net, ArchitectureOf({3, 1, 0, 2, 3, 0}));
  torch::Tensor loss = torch::nn::functional::cross_entropy(net(torch::randn({4, 1, 28, 28})),
                                                            torch::tensor({1, 2, 3, 4}));
  loss.backward();
  for (const auto& p : net->named_parameters()) {
    EXPECT_TRUE(p.value().grad().defined()) << p.key();
  }
  auto names = net->named_parameters().keys();
  EXPECT_THAT(names, ::testing::Contains("features.0.xception_3x3.branch_main.0.weight"));
  EXPECT_THAT(
      names, ::testing::Not(::testing::Contains("features.0.shufflenet_3x3.branch_main.0.weight")));
}

TEST_F(ShuffleNetSpaceTest, NniSposArchitectureFileLoadsIntoThePaperSpace) {
  // What NNI's SPOS example writes: bool one-hot lists, keys LayerChoice1..20.
  const std::string path = Tmp("architecture_final.json");
  {
    std::ofstream f(path);
    f << NniArchitectureJson(kAuthorsChoice).dump(2) << "\n";
  }
  absl::StatusOr<Architecture> read = ReadArchitecture(path);
  ASSERT_OK(read);
  Architecture arch = *read;
  ShuffleNetSupernet net(ShuffleNetSpaceOptions{});
  absl::StatusOr<Decisions> decisions = arch.resolve(ShuffleNetSearchSpace(net->options()));
  ASSERT_OK(decisions);
  ASSERT_OK(ApplyFixedArchitecture(*net, arch));
  auto names = net->named_parameters().keys();
  for (size_t b = 0; b < kAuthorsChoice.size(); ++b) {
    for (int c = 0; c < kNumShuffleNetCandidates; ++c) {
      const std::string name = "features." + std::to_string(b) + "." +
                               ShuffleNetCandidateNames()[c] + ".branch_main.0.weight";
      EXPECT_EQ(std::count(names.begin(), names.end(), name), c == kAuthorsChoice[b] ? 1 : 0)
          << name;
    }
  }
  EXPECT_EQ(net(torch::randn({1, 3, 224, 224})).sizes(), (std::vector<int64_t>{1, 1000}));
  // Written back by names, it reads as the same architecture.
  Architecture by_name =
      Architecture::from_decisions(*decisions, ShuffleNetSearchSpace(net->options()));
  EXPECT_EQ(by_name.values().at("LayerChoice1"), "shufflenet_7x7");
  EXPECT_EQ(by_name.values().at("LayerChoice12"), "xception_3x3");
  Decisions again = *by_name.resolve(ShuffleNetSearchSpace(net->options()));
  EXPECT_EQ(again.at("LayerChoice20").nonzero().item<int64_t>(), 3);
}

TEST_F(ShuffleNetSpaceTest, SupernetUnderAMutatorMatchesTheFixedChildWithInheritedWeights) {
  auto supernet = std::make_shared<ShuffleNetSupernetImpl>(Preset("fashion_mnist"));
  Architecture arch = ArchitectureOf({1, 3, 2, 0, 3, 1});
  FixedMutator mutator(supernet, arch);
  mutator.reset();
  supernet->eval();
  at::Tensor x = torch::randn({3, 1, 28, 28});
  at::Tensor expected = supernet->forward(x);

  torch::manual_seed(1);  // different initial weights, replaced below
  auto child = std::make_shared<ShuffleNetSupernetImpl>(Preset("fashion_mnist"));
  apply_fixed_architecture(child, arch);
  ASSERT_OK(InheritWeights(*child, *supernet));
  child->eval();
  EXPECT_THAT(child->forward(x), TensorNear(expected, 1e-8, 1e-5));
}

TEST_F(ShuffleNetSpaceTest, ChannelShuffleSplitsEvenAndOddChannels) {
  at::Tensor x = torch::arange(2 * 8 * 3 * 3, torch::kFloat).reshape({2, 8, 3, 3});
  auto [even, odd] = ChannelShuffle(x);
  at::Tensor even_index = torch::tensor({0, 2, 4, 6});
  at::Tensor odd_index = torch::tensor({1, 3, 5, 7});
  EXPECT_THAT(even, TensorEq(x.index_select(1, even_index)));
  EXPECT_THAT(odd, TensorEq(x.index_select(1, odd_index)));
  EXPECT_THROW(ChannelShuffle(torch::zeros({1, 3, 2, 2})), c10::Error);
}

TEST_F(ShuffleNetSpaceTest, ChannelShuffleKeepsTheMemoryFormatInBothDirections) {
  const at::Tensor values = torch::randn({2, 8, 3, 3});
  const at::Tensor g_even = torch::randn({2, 4, 3, 3}), g_odd = torch::randn({2, 4, 3, 3});
  at::Tensor expected_grad = torch::zeros({2, 8, 3, 3});
  expected_grad.index_copy_(1, torch::tensor({0, 2, 4, 6}), g_even);
  expected_grad.index_copy_(1, torch::tensor({1, 3, 5, 7}), g_odd);
  for (at::MemoryFormat format : {at::MemoryFormat::Contiguous, at::MemoryFormat::ChannelsLast}) {
    at::Tensor x = values.clone(format).requires_grad_(true);
    auto [even, odd] = ChannelShuffle(x);
    EXPECT_THAT(even, TensorEq(values.index_select(1, torch::tensor({0, 2, 4, 6}))));
    EXPECT_THAT(odd, TensorEq(values.index_select(1, torch::tensor({1, 3, 5, 7}))));
    torch::autograd::backward({even, odd}, {g_even, g_odd});
    EXPECT_THAT(x.grad(), TensorEq(expected_grad));
    EXPECT_TRUE(x.grad().is_contiguous(format)) << x.grad().strides();
    // One half unused (the other half's gradient only): zeros there.
    at::Tensor y = values.clone(format).requires_grad_(true);
    ChannelShuffle(y).second.backward(g_odd);
    at::Tensor odd_only = expected_grad.clone();
    odd_only.index_fill_(1, torch::tensor({0, 2, 4, 6}), 0);
    EXPECT_THAT(y.grad(), TensorEq(odd_only));
  }
}

TEST_F(ShuffleNetSpaceTest, StrideOneBlockPassesTheEvenChannelsThrough) {
  for (int c = 0; c < kNumShuffleNetCandidates; ++c) {
    BlockGeometry g;
    g.in_channels = g.out_channels = 8;
    g.mid_channels = 4;
    g.stride = 1;
    g.input_size = 6;
    ShuffleBlock block(ShuffleBlockOptions::ForCandidate(g, c, false));
    at::Tensor x = torch::randn({2, 8, 6, 6});
    at::Tensor y = block(x);
    ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, 8, 6, 6}));
    EXPECT_THAT(y.narrow(1, 0, 4), TensorEq(x.index_select(1, torch::tensor({0, 2, 4, 6}))));
    EXPECT_FALSE(block->branch_proj);
  }
}

TEST_F(ShuffleNetSpaceTest, BlockStructureFollowsTheAuthors) {
  // A stage's first block: 16 -> 64 channels, stride 2, mid 32.
  BlockGeometry g;
  g.in_channels = 16;
  g.out_channels = 64;
  g.mid_channels = 32;
  g.stride = 2;
  g.input_size = 112;
  auto convs = [](const torch::nn::Sequential& seq) {
    std::vector<torch::nn::detail::ConvNdOptions<2>> out;
    for (const auto& m : seq->children()) {
      if (auto* conv = m->as<torch::nn::Conv2d>()) out.push_back(conv->options);
    }
    return out;
  };
  for (int c = 0; c < kNumShuffleNetCandidates; ++c) {
    SCOPED_TRACE(ShuffleNetCandidateNames()[c]);
    ShuffleBlock block(ShuffleBlockOptions::ForCandidate(g, c, false));
    const int64_t k = c == 3 ? 3 : 3 + 2 * c;
    auto main = convs(block->branch_main);
    if (c < 3) {
      // pw -> mid, dw kxk stride 2, pw -> out - in.
      ASSERT_EQ(main.size(), 3u);
      EXPECT_EQ(main[0].out_channels(), 32);
      EXPECT_EQ(main[0].kernel_size()->at(0), 1);
      EXPECT_EQ(main[1].kernel_size()->at(0), k);
      EXPECT_EQ(main[1].groups(), 32);
      EXPECT_EQ(main[1].stride()->at(0), 2);
      EXPECT_EQ(main[2].out_channels(), 48);
    } else {
      // dw3x3 stride 2, pw -> mid, dw3x3, pw -> mid, dw3x3, pw -> out - in.
      ASSERT_EQ(main.size(), 6u);
      EXPECT_EQ(main[0].groups(), 16);
      EXPECT_EQ(main[0].stride()->at(0), 2);
      EXPECT_EQ(main[1].out_channels(), 32);
      EXPECT_EQ(main[2].groups(), 32);
      EXPECT_EQ(main[3].out_channels(), 32);
      EXPECT_EQ(main[4].groups(), 32);
      EXPECT_EQ(main[5].out_channels(), 48);
      for (int i : {0, 2, 4}) EXPECT_EQ(main[i].kernel_size()->at(0), 3);
    }
    for (const auto& conv : main) EXPECT_FALSE(conv.bias());
    // Projection: dw kxk stride 2 on the full input, pw in -> in.
    ASSERT_TRUE(block->branch_proj);
    auto proj = convs(block->branch_proj);
    ASSERT_EQ(proj.size(), 2u);
    EXPECT_EQ(proj[0].kernel_size()->at(0), k);
    EXPECT_EQ(proj[0].groups(), 16);
    EXPECT_EQ(proj[1].out_channels(), 16);
    EXPECT_EQ(block(torch::randn({1, 16, 112, 112})).sizes(),
              (std::vector<int64_t>{1, 64, 56, 56}));
  }
}

TEST_F(ShuffleNetSpaceTest, AffineOptionControlsBatchNormParameters) {
  ShuffleNetSpaceOptions o = Preset("fashion_mnist");
  ShuffleNetSupernet supernet(o);
  int bn_count = 0;
  for (const auto& m : supernet->modules()) {
    if (auto* bn = m->as<torch::nn::BatchNorm2d>()) {
      ++bn_count;
      EXPECT_FALSE(bn->weight.defined());
      EXPECT_FALSE(bn->bias.defined());
      EXPECT_TRUE(bn->running_mean.defined());
    }
  }
  EXPECT_GT(bn_count, 0);
  // Without affine BN (and with bias-free convs and FC) every parameter is
  // a conv or FC weight.
  for (const auto& p : supernet->parameters()) EXPECT_GE(p.dim(), 2);

  o.affine = true;
  ShuffleNetSupernet retrain(o);
  int affine_count = 0;
  for (const auto& m : retrain->modules()) {
    if (auto* bn = m->as<torch::nn::BatchNorm2d>()) {
      ASSERT_TRUE(bn->weight.defined());
      ++affine_count;
      EXPECT_THAT(bn->weight, TensorEq(torch::ones_like(bn->weight)));
      EXPECT_THAT(bn->bias, TensorNear(torch::full_like(bn->bias, 1e-4), 1e-8, 1e-5));
    }
  }
  EXPECT_EQ(affine_count, bn_count);
}

TEST_F(ShuffleNetSpaceTest, InitFollowsTheAuthorsAndIsDeterministic) {
  ShuffleNetSupernet net(ShuffleNetSpaceOptions{});
  auto params = net->named_parameters();
  auto std_of = [&](const std::string& name) { return params[name].std().item<double>(); };
  // First conv N(0, 0.01): 432 samples.
  EXPECT_NEAR(std_of("first_conv.0.weight"), 0.01, 0.002);
  // FC N(0, 0.01): a million samples.
  EXPECT_NEAR(std_of("head.classifier.weight"), 0.01, 0.0002);
  EXPECT_NEAR(params["head.classifier.weight"].mean().item<double>(), 0, 1e-4);
  // Pointwise 320 -> 320 (block 20, stride 1: main input 320): std 1/320.
  EXPECT_NEAR(std_of("features.19.shufflenet_3x3.branch_main.0.weight") * 320, 1.0, 0.02);
  // Head conv 640 -> 1024: std 1/640.
  EXPECT_NEAR(std_of("head.conv_last.0.weight") * 640, 1.0, 0.01);
  // Depthwise: weight.size(1) == 1, so std 1.
  EXPECT_NEAR(std_of("features.19.shufflenet_7x7.branch_main.3.weight"), 1.0, 0.03);

  torch::manual_seed(3);
  ShuffleNetSupernet a(Preset("fashion_mnist"));
  torch::manual_seed(3);
  ShuffleNetSupernet b(Preset("fashion_mnist"));
  torch::manual_seed(4);
  ShuffleNetSupernet c(Preset("fashion_mnist"));
  auto pa = a->named_parameters(), pb = b->named_parameters(), pc = c->named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  bool any_differs = false;
  for (const auto& p : pa) {
    EXPECT_THAT(pb[p.key()], TensorEq(p.value())) << p.key();
    any_differs |= !torch::equal(p.value(), pc[p.key()]);
  }
  EXPECT_TRUE(any_differs);
}

TEST_F(ShuffleNetSpaceTest, OptionsRoundTripThroughJson) {
  for (const std::string preset : {"paper", "cifar10", "fashion_mnist"}) {
    SCOPED_TRACE(preset);
    ShuffleNetSpaceOptions o = Preset(preset);
    EXPECT_EQ(o.preset, preset);
    ASSERT_OK(ValidateShuffleNetSpaceOptions(o));
    Json j = ShuffleNetSpaceOptionsToJson(o);
    absl::StatusOr<ShuffleNetSpaceOptions> back = ShuffleNetSpaceOptionsFromJson(j);
    ASSERT_OK(back);
    EXPECT_EQ(*back, o);
    EXPECT_EQ(ShuffleNetSpaceOptionsToJson(*back), j);
  }
  EXPECT_EQ(*ShuffleNetSpaceOptionsFromJson(Json()), ShuffleNetSpaceOptions());
  EXPECT_EQ(*ShuffleNetSpaceOptionsFromJson(Json::object()), ShuffleNetSpaceOptions());
  // A preset, then overrides.
  absl::StatusOr<ShuffleNetSpaceOptions> o = ShuffleNetSpaceOptionsFromJson(
      Json::parse(R"({"preset": "cifar10", "classes": 100, "affine": true})"));
  ASSERT_OK(o);
  EXPECT_EQ(o->classes, 100);
  EXPECT_TRUE(o->affine);
  EXPECT_EQ(o->image_size, 32);
  EXPECT_EQ(o->stem_stride, 1);
  EXPECT_EQ(o->stage_channels, (std::vector<int>{64, 160, 320, 640}));
}

TEST_F(ShuffleNetSpaceTest, BadOptionsAreRejectedNamingTheOption) {
  struct Case {
    const char* json;
    std::vector<std::string> message;
  };
  for (
      const Case& c : std::vector<Case>{
          {R"({"stage_chanels": [64, 160, 320, 640]})",
           {"unknown member spos_shufflenet options.stage_chanels", "stage_channels"}},
          {R"({"preset": "imagenet"})", {"options.preset", "'imagenet'", "fashion_mnist"}},
          {R"({"preset": 3})", {"options.preset", "string"}},
          {R"([1, 2])", {"spos_shufflenet options", "object"}},
          {R"({"stage_channels": [64, 161, 320, 640]})",
           {"options.stage_channels[1] must be even", "161"}},
          {R"({"stage_channels": [64, 160, 320]})",
           {"options.stage_channels must have one entry per stage", "4 stage_repeats"}},
          {R"({"stage_channels": [16, 160, 320, 640]})",
           {"options.stage_channels[0] must be greater", "stem_channels"}},
          {R"({"stage_channels": [64, 160, 160, 640]})",
           {"options.stage_channels[2] must be greater", "previous stage"}},
          {R"({"stage_repeats": [4, 0, 8, 4]})", {"options.stage_repeats[1] must be >= 1"}},
          {R"({"stage_repeats": [], "stage_channels": []})",
           {"options.stage_repeats must not be empty"}},
          {R"({"image_size": 100})",
           {"options.image_size must be divisible by the total stride 32", "100"}},
          {R"({"preset": "fashion_mnist", "stage_repeats": [1, 1, 1], "stage_channels": [32, 64, 128]})",
           {"options.image_size must be divisible by the total stride 8", "28"}},
          {R"({"stem_stride": 3})", {"options.stem_stride must be 1 or 2"}},
          {R"({"dropout": 1.0})", {"options.dropout must be in [0, 1)"}},
          {R"({"classes": 0})", {"options.classes must be >= 1"}},
          {R"({"in_channels": 2.5})", {"options.in_channels"}},
          {R"({"affine": "yes"})", {"options.affine", "boolean"}},
      }) {
    SCOPED_TRACE(c.json);
    std::vector<::testing::Matcher<const std::string&>> parts;
    for (const std::string& part : c.message) parts.push_back(HasSubstr(part));
    EXPECT_THAT(ShuffleNetSpaceOptionsFromJson(Json::parse(c.json)),
                StatusIs(absl::StatusCode::kInvalidArgument, AllOfArray(parts)));
  }
  // The registered factory and MakeShuffleNet report the same; the
  // constructor throws.
  absl::StatusOr<BuiltSpace> built =
      (*SpaceRegistry().Lookup("spos_shufflenet"))(Json::parse(R"({"image_size": 100})"));
  EXPECT_THAT(built,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("options.image_size must be divisible by the total stride 32")));
  ShuffleNetSpaceOptions bad;
  bad.stage_channels[1] = 161;
  absl::StatusOr<std::shared_ptr<ShuffleNetSupernetImpl>> made = MakeShuffleNet(bad);
  EXPECT_THAT(made, StatusIs(absl::StatusCode::kInvalidArgument,
                             HasSubstr("options.stage_channels[1] must be even")));
  EXPECT_THROW(ShuffleNetSupernet{bad}, c10::Error);
}

TEST_F(ShuffleNetSpaceTest, WeightDecayGroupsHoldConvAndFcWeightsOnly) {  // the authors' rule
  ShuffleNetSpaceOptions o = Preset("fashion_mnist");
  o.affine = true;
  ShuffleNetSupernet net(o);
  int weighted_modules = 0;
  for (const auto& m : net->modules()) {
    if (m->as<torch::nn::Conv2d>() || m->as<torch::nn::Linear>()) ++weighted_modules;
  }
  std::vector<std::string> names = ConvAndLinearWeightNames(*net);
  EXPECT_EQ(static_cast<int>(names.size()), weighted_modules);
  auto params = net->named_parameters();
  for (const auto& name : names) {
    ASSERT_TRUE(params.contains(name)) << name;
    EXPECT_GE(params[name].dim(), 2) << name;
  }
  EXPECT_THAT(names, ::testing::Contains("first_conv.0.weight"));
  EXPECT_THAT(names, ::testing::Contains("head.classifier.weight"));
  EXPECT_THAT(names, ::testing::Not(::testing::Contains("first_conv.1.weight")));  // BN

  WeightDecayGroups groups = SplitForWeightDecay(*net);
  EXPECT_EQ(groups.decay.size(), names.size());
  EXPECT_EQ(groups.decay.size() + groups.no_decay.size(), params.size());
  EXPECT_FALSE(groups.no_decay.empty());
  for (const auto& p : groups.no_decay) EXPECT_EQ(p.dim(), 1);  // BN weight / bias
}

}  // namespace
}  // namespace nas::spos
