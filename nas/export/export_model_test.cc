#include "nas/export/export_model.h"

#include <random>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nas/base/file.h"
#include "nas/base/json.h"
#include "nas/core/architecture.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/uniform_sampling.h"
#include "nas/export/state_dict.h"
#include "nas/export/torchscript.h"
#include "nas/testing/status_matchers.h"
#include "nas/testing/tensor_matchers.h"
#include "nas/testing/toy_spaces.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::nas::testing::TensorEq;
using ::nas::testing::TensorNear;
using ::testing::HasSubstr;

std::string Scratch(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

TEST(ExportModel, WritesTorchScriptStateDictAndReport) {
  const testing::ToySpace toy = testing::ToySpaces()[0];
  torch::manual_seed(0);
  std::shared_ptr<torch::nn::Module> model = toy.make();
  absl::StatusOr<SearchSpace> space = SearchSpaceOf(*model);
  ASSERT_OK(space.status());
  std::mt19937_64 rng(4);
  ASSERT_OK(ApplyFixedArchitecture(
      *model, Architecture::from_decisions(SampleUniformDecisions(*space, rng), *space)));
  auto forward = [&](const at::Tensor& x) { return toy.forward(*model, x); };
  ExportOptions options;
  options.extra = {{"space", "toy"}};
  const std::string dir = Scratch("out");
  absl::StatusOr<ExportReport> report = ExportModel(*model, forward, {3, 8, 8}, dir, options);
  ASSERT_OK(report.status());
  EXPECT_EQ(report->input_shape, (std::vector<int64_t>{2, 3, 8, 8}));
  EXPECT_EQ(report->checked_batches, (std::vector<int64_t>{2, 3}));
  EXPECT_LE(report->max_abs_difference, 1e-5);

  absl::StatusOr<Json> json = ReadJsonFile(JoinPath(dir, kExportReportFile));
  ASSERT_OK(json.status());
  EXPECT_EQ((*json)["space"], "toy");
  EXPECT_EQ((*json)["input_shape"], Json({2, 3, 8, 8}));
  EXPECT_EQ((*json)["tensors"], report->tensors);

  absl::StatusOr<torch::jit::Module> loaded = LoadTorchScript(JoinPath(dir, kTorchScriptFile));
  ASSERT_OK(loaded.status());
  model->eval();
  at::Tensor x = testing::ToyInput(6);
  at::NoGradGuard no_grad;
  absl::StatusOr<at::Tensor> out = RunTorchScript(*loaded, x);
  ASSERT_OK(out.status());
  EXPECT_THAT(*out, TensorNear(forward(x), 1e-6));

  // reference.pt: the input at the untraced batch and the model's output.
  absl::StatusOr<std::string> bytes = ReadFile(JoinPath(dir, kReferenceFile));
  ASSERT_OK(bytes.status());
  c10::Dict<c10::IValue, c10::IValue> reference =
      torch::pickle_load(std::vector<char>(bytes->begin(), bytes->end())).toGenericDict();
  const at::Tensor input = reference.at("input").toTensor();
  EXPECT_EQ(input.size(0), 3);
  EXPECT_THAT(reference.at("output").toTensor(), TensorNear(forward(input), 1e-6));

  absl::StatusOr<NamedTensors> state = LoadPythonStateDict(JoinPath(dir, kStateDictFile));
  ASSERT_OK(state.status());
  ASSERT_EQ(static_cast<int64_t>(state->size()), report->tensors);
  const NamedTensors expected = StateDictOf(*model);
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(state->at(i).first, expected[i].first);
    EXPECT_THAT(state->at(i).second, TensorEq(expected[i].second));
  }
}

// A forward that bakes the batch size into a shape: caught by the check at
// another batch size, and nothing is written.
struct BatchBakingImpl : torch::nn::Module {
  BatchBakingImpl() { fc = register_module("fc", torch::nn::Linear(12, 2)); }
  at::Tensor forward(const at::Tensor& x) { return fc(x.reshape({x.size(0), 12})); }
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(BatchBaking);

TEST(ExportModel, ASizeBakedIntoTheTraceIsCaughtAndNothingIsWritten) {
  BatchBaking model;
  auto forward = [&](const at::Tensor& x) { return model->forward(x); };
  const std::string dir = Scratch("baked");
  absl::StatusOr<ExportReport> report = ExportModel(*model, forward, {3, 2, 2}, dir);
  EXPECT_THAT(report.status(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                        HasSubstr("does not run like the model at batch 3")));
  EXPECT_FALSE(FileExists(JoinPath(dir, kTorchScriptFile)));
  EXPECT_FALSE(FileExists(JoinPath(dir, kStateDictFile)));
}

// Randomness in eval mode cannot be traced faithfully.
struct NoisyImpl : torch::nn::Module {
  NoisyImpl() { fc = register_module("fc", torch::nn::Linear(3, 2)); }
  at::Tensor forward(const at::Tensor& x) { return fc(x) + torch::randn({1, 2}); }
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(Noisy);

TEST(ExportModel, AForwardThatATraceCannotRecordIsRefused) {
  Noisy model;
  auto forward = [&](const at::Tensor& x) { return model->forward(x); };
  absl::StatusOr<ExportReport> report = ExportModel(*model, forward, {3}, Scratch("noisy"));
  EXPECT_THAT(report.status(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                        HasSubstr("computes differently from the model")));
  EXPECT_FALSE(FileExists(JoinPath(Scratch("noisy"), kTorchScriptFile)));
}

TEST(ExportModel, BadOptionsAndPathsAreErrors) {
  torch::nn::Linear model(3, 2);
  auto forward = [&](const at::Tensor& x) { return model->forward(x); };
  ExportOptions options;
  options.batch = 0;
  EXPECT_THAT(ExportModel(*model, forward, {3}, Scratch("b"), options).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("batch must be >= 1")));
  const std::string file = Scratch("a_file");
  ASSERT_OK(WriteFileAtomically(file, "x"));
  EXPECT_FALSE(ExportModel(*model, forward, {3}, JoinPath(file, "out")).ok());
  // A sample shape the model rejects.
  EXPECT_THAT(ExportModel(*model, forward, {5}, Scratch("c")).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tracing the model")));
}

}  // namespace
}  // namespace nas
