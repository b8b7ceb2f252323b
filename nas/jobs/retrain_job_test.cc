// The retraining job with the ClassifierTrainer recipe: its files and
// result, the same result resumed, inheriting a supernet's weights, and an
// architecture that does not fit.
#include "nas/jobs/retrain_job.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include "nas/base/file.h"
#include "nas/core/fixed_architecture.h"
#include "nas/export/export_model.h"
#include "nas/export/torchscript.h"
#include "nas/testing/job_fixtures.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

std::string Dir(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

RetrainJobOptions Options() {
  RetrainJobOptions o;
  o.space = testing::kTestingSpace;
  o.data.dataset = "synthetic";
  o.data.synthetic_size = 256;
  o.data.batch_size = 32;
  o.data.workers = 0;
  o.trainer.epochs = 2;
  o.trainer.progress = false;
  o.seed = 1;
  return o;
}

Architecture Arch(const char* op0) {
  return *Architecture::from_json(Json{{"op0", op0}, {"op1", "conv3x3"}, {"skip1", Json::array()}});
}

TEST(RetrainJobTest, TrainsScoresTheTestSetAndWritesItsFiles) {
  const std::string dir = Dir("retrain");
  absl::StatusOr<RetrainJobResult> result =
      RunRetrainJob(Options(), Json{{"c", 2}}, Arch("conv3x3"), dir, false,
                    MakeClassifierRetraining(ClassifierTrainerOptions(), 5, 0,
                                             [](const RetrainInputs& in) -> Json {
                                               return {{"extra", 1}};
                                             }));
  ASSERT_OK(result);
  EXPECT_GT(result->parameters, 0);
  for (const char* f :
       {"config.json", "architecture.json", "metrics.jsonl", "model.pt", "result.json"}) {
    EXPECT_TRUE(FileExists(JoinPath(dir, f))) << f;
  }
  Json written = *ReadJsonFile(JoinPath(dir, "result.json"));
  EXPECT_EQ(written["test_accuracy"], result->test_accuracy);
  EXPECT_EQ(written["extra"], 1);
  for (const char* member : {"test_loss", "parameters", "seconds"})
    EXPECT_TRUE(written.contains(member)) << member;
  // model.pt is the fixed network (no unused candidate).
  auto child = (*SpaceRegistry().Lookup(testing::kTestingSpace))(Json::object());
  ASSERT_OK(ApplyFixedArchitecture(*child->model, Arch("conv3x3")));
  EXPECT_OK(LoadWeights(*child->model, JoinPath(dir, "model.pt")));
  EXPECT_FALSE(FileExists(JoinPath(dir, kTorchScriptFile))) << "no export unless asked";
}

TEST(RetrainJobTest, ExportsTheTrainedModelBesideModelPtWhenAsked) {
  const std::string dir = Dir("exported");
  RetrainJobOptions options = Options();
  options.export_model = true;
  ASSERT_OK(RunRetrainJob(options, Json::object(), Arch("maxpool3x3"), dir, false,
                          MakeClassifierRetraining(ClassifierTrainerOptions(), 5))
                .status());
  for (const char* f : {kTorchScriptFile, kStateDictFile, kReferenceFile, kExportReportFile}) {
    EXPECT_TRUE(FileExists(JoinPath(dir, f))) << f;
  }
  // The TorchScript holds the trained weights: those of model.pt.
  auto child = (*SpaceRegistry().Lookup(testing::kTestingSpace))(Json::object());
  ASSERT_OK(ApplyFixedArchitecture(*child->model, Arch("maxpool3x3")));
  ASSERT_OK(LoadWeights(*child->model, JoinPath(dir, "model.pt")));
  absl::StatusOr<torch::jit::Module> scripted = LoadTorchScript(JoinPath(dir, kTorchScriptFile));
  ASSERT_OK(scripted.status());
  child->model->eval();
  at::Tensor x = torch::randn({3, 1, 28, 28});
  at::NoGradGuard no_grad;
  absl::StatusOr<at::Tensor> out = RunTorchScript(*scripted, x);
  ASSERT_OK(out.status());
  EXPECT_LE((*out - child->forward(x)).abs().max().item<double>(), 1e-5);
  Json report = *ReadJsonFile(JoinPath(dir, kExportReportFile));
  EXPECT_EQ(report["architecture"], Arch("maxpool3x3").to_json());
}

TEST(RetrainJobTest, ResumedAfterAStopItEndsWithTheSameScore) {
  RetrainFactory recipe = MakeClassifierRetraining(ClassifierTrainerOptions(), 5);
  absl::StatusOr<RetrainJobResult> whole =
      RunRetrainJob(Options(), Json::object(), Arch("maxpool3x3"), Dir("whole"), false, recipe);
  RetrainJobOptions stopped = Options();
  stopped.trainer.max_steps = 5;
  ASSERT_OK(
      RunRetrainJob(stopped, Json::object(), Arch("maxpool3x3"), Dir("parts"), false, recipe));
  absl::StatusOr<RetrainJobResult> resumed =
      RunRetrainJob(Options(), Json::object(), Arch("maxpool3x3"), Dir("parts"), true, recipe);
  ASSERT_OK(whole);
  ASSERT_OK(resumed);
  EXPECT_EQ(resumed->test_accuracy, whole->test_accuracy);
  EXPECT_EQ(resumed->test_loss, whole->test_loss);
}

TEST(RetrainJobTest, InheritsASupernetsWeights) {
  auto supernet = (*SpaceRegistry().Lookup(testing::kTestingSpace))(Json::object());
  ASSERT_OK(SaveWeights(*supernet->model, Dir("supernet.pt")));
  RetrainJobOptions o = Options();
  o.inherit = Dir("supernet.pt");
  o.trainer.max_steps = 1;
  EXPECT_OK(RunRetrainJob(o, Json::object(), Arch("conv3x3"), Dir("inherit"), false,
                          MakeClassifierRetraining(ClassifierTrainerOptions(), 5)));
  o.inherit = Dir("missing.pt");
  EXPECT_THAT(RunRetrainJob(o, Json::object(), Arch("conv3x3"), Dir("inherit2"), false,
                            MakeClassifierRetraining(ClassifierTrainerOptions(), 5)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("--inherit: no weights file")));
}

TEST(RetrainJobTest, AnArchitectureThatDoesNotFitNamesTheKey) {
  Architecture bad = *Architecture::from_json(
      Json{{"op0", "conv3x3"}, {"op1", "conv11x11"}, {"skip1", Json::array()}});
  EXPECT_THAT(RunRetrainJob(Options(), Json::object(), bad, Dir("bad"), false,
                            MakeClassifierRetraining(ClassifierTrainerOptions(), 5)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("architecture: ")));
  EXPECT_FALSE(FileExists(JoinPath(Dir("bad"), "model.pt")));
}

TEST(RetrainJobTest, TheRetrainSectionKeepsTheRecipeBesideTheTrainer) {
  RetrainSection s;
  ASSERT_OK(RetrainSectionFromJson(
      Json::parse(R"({"trainer": {"epochs": 4}, "lr": 0.2, "schedule": "linear_steps"})"),
      "$.retrain", &s));
  EXPECT_EQ(s.trainer.epochs, 4);
  EXPECT_EQ(s.optimizer.lr, 0.2);
  EXPECT_EQ(s.optimizer.schedule, "linear_steps");
  RetrainSection back;
  ASSERT_OK(RetrainSectionFromJson(RetrainSectionToJson(s), "$.retrain", &back));
  EXPECT_EQ(RetrainSectionToJson(back), RetrainSectionToJson(s));
  EXPECT_THAT(RetrainSectionFromJson(Json::parse(R"({"trainer": {"epochs": 0}})"), "$.retrain", &s),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("$.retrain.trainer.epochs must be >= 1")));
  EXPECT_THAT(
      RetrainSectionFromJson(Json::parse(R"({"lrr": 1})"), "$.retrain", &s),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown member $.retrain.lrr")));
}

}  // namespace
}  // namespace nas
