// The configuration reader of every job main: --set assignments, flags that
// set members, the attribution of errors to flags, and the common flags'
// resolution.
#include "nas/jobs/job_main.h"

#include <gflags/gflags.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/testing/status_matchers.h"

DEFINE_int64(test_epochs, 0, "A flag of the test binary.");
DEFINE_string(test_options, "{}", "A JSON flag of the test binary.");

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

// gflags state is process-wide: each test restores every flag at its end.
class JobMainTest : public ::testing::Test {
 protected:
  gflags::FlagSaver saver_;
};

TEST_F(JobMainTest, SetAssignsByDottedPath) {
  Json doc = {{"search", {{"trainer", {{"epochs", 1}}}}}};
  ASSERT_OK(ApplySetOverrides(
      R"(search.trainer.epochs=3,data.dataset=synthetic,search.lr=0.5,a.b={"x": [1, 2], "y": "z,w"},flag=true)",
      &doc));
  EXPECT_EQ(doc["search"]["trainer"]["epochs"], 3);
  EXPECT_EQ(doc["data"]["dataset"], "synthetic");  // a bare word is a string
  EXPECT_EQ(doc["search"]["lr"], 0.5);
  EXPECT_EQ(doc["a"]["b"]["y"], "z,w");  // commas inside JSON do not split
  EXPECT_EQ(doc["a"]["b"]["x"], Json::array({1, 2}));
  EXPECT_EQ(doc["flag"], true);
  EXPECT_OK(ApplySetOverrides("", &doc));
}

TEST_F(JobMainTest, SetErrorsNameTheAssignment) {
  Json doc = {{"data", 3}};
  EXPECT_THAT(ApplySetOverrides("data.batch_size", &doc),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'data.batch_size' is not path=value")));
  EXPECT_THAT(ApplySetOverrides("data.batch_size=4", &doc),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("$.data is not an object")));
  EXPECT_THAT(
      ApplySetOverrides("x={\"a\": ", &doc),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("the value of x is not JSON")));
  EXPECT_THAT(ApplySetOverrides("a..b=1", &doc),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad path")));
}

TEST_F(JobMainTest, FlagsSetTheirMembersOnlyWhenGiven) {
  absl::StatusOr<ConfigDocument> untouched =
      ReadConfigDocument({{"test_epochs", "trainer.epochs"}});
  ASSERT_OK(untouched);
  EXPECT_EQ(untouched->json, Json::object());
  EXPECT_EQ(untouched->source, "$");
  gflags::SetCommandLineOption("test_epochs", "7");
  gflags::SetCommandLineOption("test_options", R"({"layers": 2})");
  gflags::SetCommandLineOption("seed", "5");
  gflags::SetCommandLineOption("set", "trainer.epochs=2,trainer.lr=0.1");
  absl::StatusOr<ConfigDocument> doc = ReadConfigDocument(
      {{"test_epochs", "trainer.epochs"}, {"test_options", "space_options", /*json=*/true}});
  ASSERT_OK(doc);
  EXPECT_EQ(doc->json["trainer"]["epochs"], 7);  // flags after --set
  EXPECT_EQ(doc->json["trainer"]["lr"], 0.1);
  EXPECT_EQ(doc->json["space_options"], Json({{"layers", 2}}));
  EXPECT_EQ(doc->json["seed"], 5);
  EXPECT_EQ(doc->applied_flags.size(), 3u);
  gflags::SetCommandLineOption("test_options", R"({"layers": )");
  EXPECT_THAT(ReadConfigDocument({{"test_options", "space_options", true}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--test_options")));
}

TEST_F(JobMainTest, ErrorsAboutAFlagsMemberNameTheFlag) {
  ConfigDocument doc;
  doc.applied_flags = {{"epochs", "search.trainer.epochs"}};
  absl::Status attributed = AttributeToFlags(
      absl::InvalidArgumentError("c.json: $.search.trainer.epochs must be >= 1"), doc);
  EXPECT_EQ(attributed.message(), "c.json: $.search.trainer.epochs must be >= 1 (from --epochs)");
  // A longer member with the same prefix is not the flag's.
  absl::Status other =
      AttributeToFlags(absl::InvalidArgumentError("$.search.trainer.epochs_max: bad"), doc);
  EXPECT_EQ(other.message(), "$.search.trainer.epochs_max: bad");
}

TEST_F(JobMainTest, CommonFlagsOfABinaryWithoutThem) {
  JobFlagsSpec trial;  // no output folder, no trainer
  trial.data = true;
  {
    gflags::FlagSaver only_here;
    gflags::SetCommandLineOption("resume", "true");
    EXPECT_THAT(ResolveJobArgs(trial), StatusIs(absl::StatusCode::kInvalidArgument,
                                                HasSubstr("--resume: not a flag of this binary")));
  }
  {
    gflags::FlagSaver only_here;
    gflags::SetCommandLineOption("epochs", "3");
    EXPECT_THAT(ResolveJobArgs(trial), StatusIs(absl::StatusCode::kInvalidArgument,
                                                HasSubstr("--epochs: not a flag of this binary")));
  }
  JobFlagsSpec search{"runs/x", true, true, false, "search.trainer"};
  PrepareJobFlags(search);
  absl::StatusOr<JobArgs> args = ResolveJobArgs(search);
  ASSERT_OK(args);
  EXPECT_THAT(args->output_dir, HasSubstr("runs/x"));
  std::vector<FlagPath> paths = CommonFlagPaths(search);
  bool epochs = false;
  for (const FlagPath& p : paths) epochs |= p.flag == "epochs" && p.path == "search.trainer.epochs";
  EXPECT_TRUE(epochs);
  gflags::SetCommandLineOption("output_dir", "");
  EXPECT_THAT(ResolveJobArgs(search), StatusIs(absl::StatusCode::kInvalidArgument,
                                               HasSubstr("--output_dir must not be empty")));
}

}  // namespace
}  // namespace nas
