// Few-shot supernets through their public interface: a sub-supernet made
// by CopySupernetWeights scores every architecture exactly as its parent
// (before fine-tuning), the split key is checked, and FewShotSearch trains
// one sub-supernet per candidate with that candidate pinned and scores
// each architecture on its own one.
#include "algorithms/spos/few_shot.h"

#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/utils.h>

#include "datasets/loader.h"
#include "datasets/synthetic.h"
#include "nas/base/file.h"
#include "nas/core/architecture.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/space_registry.h"
#include "nas/core/uniform_sampling.h"
#include "nas/testing/job_fixtures.h"
#include "nas/testing/status_matchers.h"
#include "nas/train/supernet_evaluator.h"

namespace nas::spos {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

BuiltSpace TestingCnn(int64_t channels, uint64_t seed) {
  torch::manual_seed(seed);
  return *(*SpaceRegistry().Lookup(testing::kTestingSpace))(Json{{"channels", channels}});
}

std::unique_ptr<datasets::DataLoader> Loader(bool shuffle) {
  datasets::DatasetOptions options;
  options.synthetic_size = 64;
  static const datasets::ImageDataset data = *datasets::MakeSynthetic(options);
  return std::make_unique<datasets::DataLoader>(
      data, datasets::LoaderOptions().batch_size(16).shuffle(shuffle).workers(0));
}

TEST(FewShotTest, ACopiedSubSupernetScoresEveryArchitectureAsItsParent) {
  BuiltSpace parent = TestingCnn(4, 1), sub = TestingCnn(4, 2);
  testing::UniformTestMutator parent_mutator(parent.model, 0), sub_mutator(sub.model, 0);
  auto recalibration = Loader(true), held_out = Loader(false);
  SupernetEvaluationOptions evaluation;
  evaluation.recalibration_batches = 2;
  evaluation.eval_batches = 2;
  SupernetEvaluator parent_scores(parent, &parent_mutator, recalibration.get(), held_out.get(),
                                  evaluation);
  SupernetEvaluator sub_scores(sub, &sub_mutator, recalibration.get(), held_out.get(), evaluation);
  std::mt19937_64 rng(3);
  std::vector<Architecture> architectures;
  for (int i = 0; i < 6; ++i) {
    architectures.push_back(Architecture::from_decisions(
        SampleUniformDecisions(parent_mutator.search_space(), rng), parent_mutator.search_space()));
  }
  int differ_before = 0;
  for (const Architecture& arch : architectures) {
    differ_before += parent_scores.evaluate(arch)->loss != sub_scores.evaluate(arch)->loss;
  }
  EXPECT_GT(differ_before, 0);

  ASSERT_TRUE(CopySupernetWeights(*parent.model, *sub.model).ok());
  for (const Architecture& arch : architectures) {
    CandidateScore a = *parent_scores.evaluate(arch), b = *sub_scores.evaluate(arch);
    EXPECT_EQ(a.loss, b.loss) << arch.to_json().dump();
    EXPECT_EQ(a.accuracy, b.accuracy) << arch.to_json().dump();
  }
  // The copy shares no memory with its parent.
  torch::NoGradGuard no_grad;
  sub.model->named_parameters()["fc.weight"].add_(1);
  EXPECT_FALSE(torch::equal(sub.model->named_parameters()["fc.weight"],
                            parent.model->named_parameters()["fc.weight"]));
}

TEST(FewShotTest, CopyRefusesAnotherNetwork) {
  BuiltSpace narrow = TestingCnn(4, 0), wide = TestingCnn(8, 0);
  EXPECT_THAT(CopySupernetWeights(*narrow.model, *wide.model),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'bn.bias' has shape [4] in the source but [8] in the copy")));
  torch::nn::Module empty;
  EXPECT_THAT(CopySupernetWeights(empty, *narrow.model),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("the source has no")));
  EXPECT_THAT(CopySupernetWeights(*narrow.model, empty),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("the copy has no")));
}

TEST(FewShotTest, SplitKeyIsALayerChoice) {
  BuiltSpace space = TestingCnn(4, 0);
  testing::UniformTestMutator mutator(space.model, 0);
  const SearchSpace& s = mutator.search_space();
  EXPECT_EQ(*FewShotSplitKey(s, ""), "op0");
  EXPECT_EQ(*FewShotSplitKey(s, "op1"), "op1");
  EXPECT_THAT(FewShotSplitKey(s, "skip1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("split 'skip1' is not a layer choice of the space")));
  EXPECT_THAT(FewShotSplitKey(SearchSpace(), ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no layer choice")));
  FewShotOptions o;
  EXPECT_THAT(FewShotOptionsFromJson({{"split_epochs", -1}}, "few_shot", &o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("few_shot.split_epochs must be >= 0")));
  EXPECT_THAT(FewShotOptionsFromJson({{"splits", "op0"}}, "few_shot", &o),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("few_shot.splits")));
}

OneShotRequest Request(const std::string& name) {
  OneShotRequest r;
  r.space = testing::kTestingSpace;
  r.space_options = {{"channels", 4}};
  r.data.dataset = "synthetic";
  r.data.synthetic_size = 256;
  r.data.batch_size = 32;
  r.data.workers = 0;
  r.epochs = 1;
  r.scoring.recalibration_batches = 1;
  r.scoring.eval_batches = 1;
  r.seed = 4;
  r.output_dir = JoinPath(::testing::TempDir(), name);
  return r;
}

SupernetSearchOptions RandomSearch() {
  SupernetSearchOptions search;
  search.tuner = "random";
  search.max_trials = 4;
  search.evaluation.recalibration_batches = 1;
  search.evaluation.eval_batches = 1;
  return search;
}

TEST(FewShotTest, SearchTrainsOneSubSupernetPerCandidateWithItPinned) {
  OneShotRequest r = Request("few_shot_search");
  SposTrainerOptions optimizer;
  optimizer.lr = 0.1;
  FewShotOptions few_shot;
  few_shot.split = "op1";
  absl::StatusOr<OneShotResult> result = FewShotSearch(r, optimizer, RandomSearch(), few_shot);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->details["split"], "op1");
  EXPECT_EQ(result->details["sub_supernets"], 3);
  EXPECT_DOUBLE_EQ(result->details["split_epochs"].get<double>(), 1.0 / 3);
  EXPECT_EQ(result->details["scored"], 4);

  // Each sub-supernet trained only its own candidate of op1: the other
  // candidate with weights (conv3x3) kept the one-shot weights.
  BuiltSpace one_shot = TestingCnn(4, 0), sub = TestingCnn(4, 0);
  ASSERT_TRUE(LoadWeights(*one_shot.model, JoinPath(r.output_dir, "one_shot/supernet.pt")).ok());
  for (const char* candidate : {"conv3x3", "maxpool3x3", "identity"}) {
    SCOPED_TRACE(candidate);
    ASSERT_TRUE(LoadWeights(*sub.model, JoinPath(r.output_dir,
                                                 std::string("sub_") + candidate + "/supernet.pt"))
                    .ok());
    auto a = one_shot.model->named_parameters(), b = sub.model->named_parameters();
    EXPECT_EQ(torch::equal(a["op1.conv3x3.weight"], b["op1.conv3x3.weight"]),
              std::string(candidate) != "conv3x3");
    EXPECT_FALSE(torch::equal(a["fc.weight"], b["fc.weight"]));  // fine-tuned
  }
  for (const char* folder : {"search/history.jsonl", "one_shot/config.json"}) {
    EXPECT_TRUE(FileExists(JoinPath(r.output_dir, folder))) << folder;
  }
  // The scorer rates architectures of every candidate of the split.
  for (const char* op1 : {"conv3x3", "maxpool3x3", "identity"}) {
    Architecture arch = result->architecture;
    arch.set("op1", op1);
    absl::StatusOr<double> score = result->score(arch);
    ASSERT_TRUE(score.ok()) << score.status().message();
    EXPECT_GE(*score, 0);
    EXPECT_LE(*score, 1);
  }
}

TEST(FewShotTest, SearchRefusesABadSplitBeforeTraining) {
  OneShotRequest r = Request("few_shot_bad_split");
  FewShotOptions few_shot;
  few_shot.split = "skip1";
  EXPECT_THAT(FewShotSearch(r, SposTrainerOptions(), RandomSearch(), few_shot),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a layer choice")));
  EXPECT_FALSE(FileExists(JoinPath(r.output_dir, "one_shot")));
  r.output_dir = "";
  EXPECT_THAT(FewShotSearch(r, SposTrainerOptions(), RandomSearch(), FewShotOptions()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("needs an output_dir")));
}

}  // namespace
}  // namespace nas::spos
