#include "nas/export/torchscript.h"

#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nas/base/file.h"
#include "nas/core/architecture.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/layer_choice.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/uniform_sampling.h"
#include "nas/testing/status_matchers.h"
#include "nas/testing/tensor_matchers.h"
#include "nas/testing/toy_spaces.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::nas::testing::TensorEq;
using ::nas::testing::TensorNear;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

std::string Scratch(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

// Names and values of a TorchScript module's parameters and buffers.
std::map<std::string, at::Tensor> JitTensors(const torch::jit::Module& m) {
  std::map<std::string, at::Tensor> out;
  for (const auto& p : m.named_parameters()) out[p.name] = p.value;
  for (const auto& b : m.named_buffers()) out[b.name] = b.value;
  return out;
}

std::map<std::string, at::Tensor> CppTensors(const torch::nn::Module& m) {
  std::map<std::string, at::Tensor> out;
  for (const auto& p : m.named_parameters()) out[p.key()] = p.value();
  for (const auto& b : m.named_buffers()) out[b.key()] = b.value();
  return out;
}

std::vector<std::string> Keys(const std::map<std::string, at::Tensor>& m) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : m) keys.push_back(k);
  return keys;
}

// Every toy space, with a random architecture fixed: the reloaded
// TorchScript has the C++ names and values and computes the same outputs,
// at the traced batch and at others.
TEST(TorchScript, EveryToySpaceRoundTripsWithItsNamesAndOutputs) {
  for (const auto& toy : testing::ToySpaces()) {
    SCOPED_TRACE(toy.name);
    for (uint64_t seed : {1, 2, 3}) {
      torch::manual_seed(seed);
      std::shared_ptr<torch::nn::Module> model = toy.make();
      absl::StatusOr<SearchSpace> space_or = SearchSpaceOf(*model);
      ASSERT_OK(space_or.status());
      SearchSpace& space = *space_or;
      std::mt19937_64 rng(seed);
      ASSERT_OK(ApplyFixedArchitecture(
          *model, Architecture::from_decisions(SampleUniformDecisions(space, rng), space)));
      // Running statistics that are not the initial ones.
      for (int i = 0; i < 3; ++i) toy.forward(*model, testing::ToyInput(4));
      model->train();
      auto forward = [&](const at::Tensor& x) { return toy.forward(*model, x); };

      absl::StatusOr<torch::jit::Module> scripted_or =
          TraceToTorchScript(*model, forward, testing::ToyInput(2));
      ASSERT_OK(scripted_or.status());
      torch::jit::Module& scripted = *scripted_or;
      EXPECT_TRUE(model->is_training()) << "the model's mode is restored";
      const std::string path = Scratch(toy.name + std::to_string(seed) + ".pt");
      ASSERT_OK(SaveTorchScript(scripted, path));
      absl::StatusOr<torch::jit::Module> loaded_or = LoadTorchScript(path);
      ASSERT_OK(loaded_or.status());
      torch::jit::Module& loaded = *loaded_or;

      std::map<std::string, at::Tensor> jit = JitTensors(loaded), cpp = CppTensors(*model);
      ASSERT_THAT(Keys(jit), ElementsAreArray(Keys(cpp)));
      for (const auto& [name, tensor] : cpp) EXPECT_THAT(jit[name], TensorEq(tensor)) << name;

      model->eval();
      for (int64_t batch : {1, 2, 5}) {
        at::Tensor x = testing::ToyInput(batch);
        at::NoGradGuard no_grad;
        absl::StatusOr<at::Tensor> out_or = RunTorchScript(loaded, x);
        ASSERT_OK(out_or.status());
        at::Tensor& out = *out_or;
        EXPECT_THAT(out, TensorNear(forward(x), 1e-6)) << "batch " << batch;
      }
    }
  }
}

// The export is a copy: training the model afterwards leaves it unchanged.
TEST(TorchScript, HoldsCopiesOfTheWeights) {
  torch::nn::Linear model(3, 2);
  auto forward = [&](const at::Tensor& x) { return model->forward(x); };
  absl::StatusOr<torch::jit::Module> scripted_or =
      TraceToTorchScript(*model, forward, torch::ones({1, 3}));
  ASSERT_OK(scripted_or.status());
  torch::jit::Module& scripted = *scripted_or;
  const at::Tensor before = model->forward(torch::ones({1, 3})).detach();
  {
    torch::NoGradGuard no_grad;
    model->weight.add_(1.0);
  }
  absl::StatusOr<at::Tensor> out_or = RunTorchScript(scripted, torch::ones({1, 3}));
  ASSERT_OK(out_or.status());
  at::Tensor& out = *out_or;
  EXPECT_THAT(out, TensorEq(before));
}

TEST(TorchScript, RefusesASupernetWithUnfixedChoices) {
  std::shared_ptr<torch::nn::Module> model = testing::ToySpaces()[0].make();
  auto forward = [&](const at::Tensor& x) { return testing::ToySpaces()[0].forward(*model, x); };
  absl::StatusOr<torch::jit::Module> scripted =
      TraceToTorchScript(*model, forward, testing::ToyInput(2));
  EXPECT_THAT(scripted.status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("unfixed choice")));
  EXPECT_THAT(scripted.status().message(), HasSubstr("apply a fixed architecture"));
}

TEST(TorchScript, AForwardThatThrowsIsAnError) {
  torch::nn::Linear model(3, 2);
  auto forward = [&](const at::Tensor& x) { return model->forward(x); };
  absl::StatusOr<torch::jit::Module> scripted =
      TraceToTorchScript(*model, forward, torch::ones({1, 4}));  // wrong width
  EXPECT_THAT(scripted.status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tracing the model")));
  // The tracer is left clean: the next trace works.
  EXPECT_OK(TraceToTorchScript(*model, forward, torch::ones({1, 3})).status());
}

TEST(TorchScript, AWeightOutsideTheModelThatNeedsGradientsIsAnError) {
  torch::nn::Linear model(3, 2);
  at::Tensor stray = torch::ones({2}, torch::requires_grad());
  auto forward = [&](const at::Tensor& x) { return model->forward(x) * stray; };
  absl::StatusOr<torch::jit::Module> scripted =
      TraceToTorchScript(*model, forward, torch::ones({1, 3}));
  EXPECT_THAT(scripted.status(), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(TorchScript, LoadingNamesAMissingOrForeignFile) {
  EXPECT_THAT(LoadTorchScript(Scratch("none.pt")).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("none.pt")));
  ASSERT_OK(WriteFileAtomically(Scratch("junk.pt"), "not a zip"));
  EXPECT_THAT(LoadTorchScript(Scratch("junk.pt")).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("junk.pt is not a TorchScript module")));
}

TEST(TorchScript, RunningOnAWrongShapeNamesTheShape) {
  torch::nn::Linear model(3, 2);
  auto forward = [&](const at::Tensor& x) { return model->forward(x); };
  absl::StatusOr<torch::jit::Module> scripted_or =
      TraceToTorchScript(*model, forward, torch::ones({1, 3}));
  ASSERT_OK(scripted_or.status());
  torch::jit::Module& scripted = *scripted_or;
  EXPECT_THAT(RunTorchScript(scripted, torch::ones({2, 7})).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("shape [2, 7]")));
}

}  // namespace
}  // namespace nas
