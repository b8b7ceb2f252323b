#include "nas/export/state_dict.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nas/base/file.h"
#include "nas/testing/status_matchers.h"
#include "nas/testing/tensor_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::nas::testing::TensorEq;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Scratch(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

struct NetImpl : torch::nn::Module {
  NetImpl() {
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 2, 3)));
    bn = register_module("bn", torch::nn::BatchNorm2d(2));
    head = register_module("head", torch::nn::Sequential(torch::nn::Linear(2, 3)));
    scale = register_parameter("scale", torch::ones({1}));
  }
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
  torch::nn::Sequential head{nullptr};
  at::Tensor scale;
};
TORCH_MODULE(Net);

std::vector<std::string> Names(const NamedTensors& tensors) {
  std::vector<std::string> names;
  for (const auto& [name, t] : tensors) names.push_back(name);
  return names;
}

// PyTorch's order: a module's own parameters, its buffers, then its
// children depth first.
TEST(StateDict, HasTheModelsNamesInPyTorchsOrder) {
  Net net;
  EXPECT_THAT(
      Names(StateDictOf(*net)),
      ElementsAre("scale", "conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean",
                  "bn.running_var", "bn.num_batches_tracked", "head.0.weight", "head.0.bias"));
}

TEST(StateDict, SavedFileReadsBackAsTheSameNamesAndValues) {
  torch::manual_seed(3);
  Net net;
  {
    torch::NoGradGuard no_grad;
    net->bn->running_mean.uniform_();
    net->bn->num_batches_tracked.fill_(7);
  }
  const std::string path = Scratch("state_dict.pt");
  ASSERT_OK(SavePythonStateDict(*net, path));
  absl::StatusOr<NamedTensors> loaded = LoadPythonStateDict(path);
  ASSERT_OK(loaded.status());
  const NamedTensors expected = StateDictOf(*net);
  ASSERT_EQ(Names(*loaded), Names(expected));
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_THAT(loaded->at(i).second, TensorEq(expected[i].second)) << expected[i].first;
    EXPECT_FALSE(loaded->at(i).second.requires_grad());
  }
}

TEST(StateDict, BadFilesAreErrorsNamingThem) {
  EXPECT_THAT(LoadPythonStateDict(Scratch("missing.pt")).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing.pt")));
  ASSERT_OK(WriteFileAtomically(Scratch("junk.pt"), "garbage"));
  EXPECT_THAT(
      LoadPythonStateDict(Scratch("junk.pt")).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("junk.pt is not a state dict")));
  // A pickled tensor, not a dict.
  std::vector<char> bytes = torch::pickle_save(c10::IValue(torch::ones({2})));
  ASSERT_OK(WriteFileAtomically(Scratch("tensor.pt"), std::string(bytes.begin(), bytes.end())));
  EXPECT_THAT(LoadPythonStateDict(Scratch("tensor.pt")).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("holds no dict")));
}

TEST(StateDict, AnUnwritablePathIsAnError) {
  const std::string file = Scratch("a_file");
  ASSERT_OK(WriteFileAtomically(file, "x"));
  Net net;
  EXPECT_FALSE(SavePythonStateDict(*net, JoinPath(file, "state_dict.pt")).ok());
}

}  // namespace
}  // namespace nas
