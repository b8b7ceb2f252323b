// The trial job: a report with its evaluations, the same report for the same
// seed, and clear errors for parameters and data that do not fit.
#include "nas/jobs/trial_job.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/testing/job_fixtures.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

TrialJobOptions Options() {
  TrialJobOptions o;
  o.space = testing::kTestingSpace;
  o.data.dataset = "synthetic";
  o.data.synthetic_size = 320;
  o.data.batch_size = 32;
  o.data.valid_examples = 64;
  o.data.workers = 0;
  o.steps = 12;
  o.evaluations = 3;
  o.seed = 2;
  return o;
}

const Json kParameters = Json::parse(R"({"op0": {"_value": "conv3x3", "_idx": 0},
                                         "op1": {"_value": "identity", "_idx": 2},
                                         "skip1": {"_value": ["op0"], "_idx": [0]}})");

TEST(TrialJobTest, ReportsEachEvaluationAndTheFinalAccuracy) {
  absl::StatusOr<TrialReport> report = RunTrialJob(Options(), kParameters);
  ASSERT_OK(report);
  ASSERT_EQ(report->intermediate.size(), 3u);
  EXPECT_EQ(report->final_value, report->intermediate.back());
  EXPECT_GE(report->final_value, 0);
  EXPECT_LE(report->final_value, 1);
  EXPECT_GT(report->metrics["parameters"].get<int64_t>(), 0);
  EXPECT_TRUE(report->metrics.contains("train_loss"));
  // Same seed, same report; another seed, another training.
  absl::StatusOr<TrialReport> again = RunTrialJob(Options(), kParameters);
  EXPECT_EQ(again->intermediate, report->intermediate);
  EXPECT_EQ(again->metrics["train_loss"], report->metrics["train_loss"]);
  TrialJobOptions other = Options();
  other.seed = 3;
  EXPECT_NE(RunTrialJob(other, kParameters)->metrics["train_loss"], report->metrics["train_loss"]);
}

TEST(TrialJobTest, TestEvaluationScoresTheTestSplit) {
  TrialJobOptions o = Options();
  EXPECT_FALSE(RunTrialJob(o, kParameters)->metrics.contains("test_accuracy"));
  o.test_evaluation = true;
  absl::StatusOr<TrialReport> report = RunTrialJob(o, kParameters);
  ASSERT_OK(report);
  const double test = report->metrics["test_accuracy"].get<double>();
  EXPECT_GE(test, 0);
  EXPECT_LE(test, 1);
  EXPECT_TRUE(report->metrics.contains("test_loss"));
}

TEST(TrialJobTest, BadParametersAndDataAreClearErrors) {
  Json bad = kParameters;
  bad["op0"] = {{"_value", "conv9x9"}, {"_idx", 0}};
  EXPECT_THAT(RunTrialJob(Options(), bad),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("parameters: ")));
  TrialJobOptions tiny = Options();
  tiny.data.synthetic_size = 20;  // 18 training examples, batches of 32
  EXPECT_THAT(RunTrialJob(tiny, kParameters), StatusIs(absl::StatusCode::kInvalidArgument,
                                                       HasSubstr("smaller than one batch of 32")));
}

TEST(TrialJobTest, OptionsAreStrictAndRoundTrip) {
  TrialJobOptions o = Options();
  TrialJobOptions back;
  ASSERT_OK(TrialJobOptionsFromJson(TrialJobOptionsToJson(o), "$", &back));
  EXPECT_EQ(TrialJobOptionsToJson(back), TrialJobOptionsToJson(o));
  EXPECT_EQ(TrialJobOptions().optimizer.schedule, "cosine_steps");
  EXPECT_TRUE(TrialJobOptions().optimizer.nesterov);
  auto error = [](const char* json) {
    TrialJobOptions out;
    return TrialJobOptionsFromJson(Json::parse(json), "t.json: $", &out);
  };
  EXPECT_THAT(error(R"({"steps": 0})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("$.steps must be >= 1")));
  EXPECT_THAT(error(R"({"steps": 2, "evaluations": 3})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("$.evaluations must be in [1, steps]")));
  EXPECT_THAT(error(R"({"optimizer": {"lr": -1}})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("$.optimizer.lr must be")));
  EXPECT_THAT(error(R"({"stepz": 3})"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                 HasSubstr("unknown member t.json: $.stepz")));
}

}  // namespace
}  // namespace nas
