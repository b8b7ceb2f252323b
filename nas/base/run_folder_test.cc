#include "nas/base/run_folder.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/file.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

std::string Dir(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

const Json kConfig = {{"seed", 5}, {"data", {{"data_dir", "/a"}, {"batch_size", 16}}}};

TEST(RunFolderTest, NewRunRecordsItsConfigurationAndFinishes) {
  const std::string dir = Dir("new");
  {
    auto folder = RunFolder::Claim(dir, false, kConfig);
    ASSERT_OK(folder);
    EXPECT_FALSE((*folder)->finished());
    Json run = *ReadJsonFile(JoinPath(dir, "run.json"));
    EXPECT_EQ(run["config"], kConfig);
    EXPECT_EQ(run["finished"], false);
    ASSERT_OK((*folder)->Close(absl::OkStatus()));
  }
  EXPECT_EQ((*ReadJsonFile(JoinPath(dir, "run.json")))["finished"], true);
  auto resumed = RunFolder::Claim(dir, true, kConfig);
  ASSERT_OK(resumed);
  EXPECT_TRUE((*resumed)->finished());
}

TEST(RunFolderTest, AFinishedRunResumedWithAnAllowedChangeRunsAgain) {
  const std::string dir = Dir("extended");
  {
    auto folder = RunFolder::Claim(dir, false, kConfig);
    ASSERT_OK(folder);
    ASSERT_OK((*folder)->Close(absl::OkStatus()));
  }
  Json more = kConfig;
  more["data"]["batch_size"] = 32;
  auto resumed = RunFolder::Claim(dir, true, more, {"data.batch_size"});
  ASSERT_OK(resumed);
  EXPECT_FALSE((*resumed)->finished());
  ASSERT_OK((*resumed)->Close(absl::OkStatus()));
  EXPECT_EQ((*ReadJsonFile(JoinPath(dir, "run.json")))["config"], more);
}

TEST(RunFolderTest, AFailedStartLeavesTheFolderAsItWas) {
  const std::string dir = Dir("failed_start");
  {
    auto folder = RunFolder::Claim(dir, false, kConfig);
    ASSERT_OK(folder);
    EXPECT_THAT((*folder)->Close(absl::InvalidArgumentError("bad option")),
                StatusIs(absl::StatusCode::kInvalidArgument, "bad option"));
  }
  EXPECT_FALSE(FileExists(dir));
  // A run that wrote something keeps its run record: --resume continues it.
  {
    auto folder = RunFolder::Claim(dir, false, kConfig);
    ASSERT_OK(folder);
    ASSERT_OK(WriteFileAtomically(JoinPath(dir, "metrics.jsonl"), "{}\n"));
    EXPECT_FALSE((*folder)->Close(absl::InternalError("killed")).ok());
  }
  EXPECT_TRUE(FileExists(JoinPath(dir, "run.json")));
  EXPECT_OK(RunFolder::Claim(dir, true, kConfig));
}

TEST(RunFolderTest, ANewRunNeverWritesIntoAFolderWithFiles) {
  const std::string dir = Dir("used");
  ASSERT_OK(WriteFileAtomically(JoinPath(dir, "metrics.jsonl"), "{}\n"));
  EXPECT_THAT(RunFolder::Claim(dir, false, kConfig),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("already holds files (metrics.jsonl)"),
                             HasSubstr("pass --resume"))));
  EXPECT_EQ(*ReadFile(JoinPath(dir, "metrics.jsonl")), "{}\n");
  // A run killed before its first checkpoint still holds run.json: the same.
  const std::string started = Dir("started");
  ASSERT_OK(RunFolder::Claim(started, false, kConfig));
  EXPECT_THAT(RunFolder::Claim(started, false, kConfig),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already holds a run")));
}

TEST(RunFolderTest, ResumeNeedsARun) {
  EXPECT_THAT(RunFolder::Claim(Dir("missing"), true, kConfig),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("does not exist")));
  const std::string dir = Dir("no_run");
  ASSERT_OK(MakeDirs(dir));
  EXPECT_THAT(RunFolder::Claim(dir, true, kConfig),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("holds no run to resume (no run.json)")));
  ASSERT_OK(WriteFileAtomically(JoinPath(dir, "run.json"), "[1]"));
  EXPECT_THAT(RunFolder::Claim(dir, true, kConfig),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("run.json: not a run record")));
}

TEST(RunFolderTest, ResumeRefusesAChangedConfigurationNamingEveryMember) {
  const std::string dir = Dir("changed");
  ASSERT_OK(RunFolder::Claim(dir, false, kConfig));
  Json changed = kConfig;
  changed["seed"] = 9;
  changed["data"]["batch_size"] = 8;
  changed["unrolled"] = true;
  changed["data"]["data_dir"] = "/b";
  EXPECT_THAT(RunFolder::Claim(dir, true, changed, {"data.data_dir"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("the configuration differs from the run's"),
                             HasSubstr("$.seed: 5 -> 9"), HasSubstr("$.data.batch_size: 16 -> 8"),
                             HasSubstr("$.unrolled: (absent) -> true"),
                             ::testing::Not(HasSubstr("data_dir")))));
  // Only harmless members changed: resumes.
  Json moved = kConfig;
  moved["data"]["data_dir"] = "/b";
  EXPECT_OK(RunFolder::Claim(dir, true, moved, {"data.data_dir"}));
}

TEST(RunFolderTest, ASecondClaimIsRefusedNamingTheHolder) {
  const std::string dir = Dir("locked");
  auto first = RunFolder::Claim(dir, false, kConfig);
  ASSERT_OK(first);
  auto second = RunFolder::Claim(dir, true, kConfig);
  EXPECT_THAT(second,
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr(dir + " is in use by pid " + std::to_string(getpid())),
                             HasSubstr("run_folder_test"))));
  first->reset();
  EXPECT_OK(RunFolder::Claim(dir, true, kConfig));
}

TEST(RunFolderTest, TheLockDiesWithItsHolderEvenByKill9) {
  const std::string dir = Dir("killed");
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto folder = RunFolder::Claim(dir, false, kConfig);
    char byte = folder.ok() ? 'y' : 'n';
    (void)!write(ready[1], &byte, 1);
    pause();
    _exit(0);
  }
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  ASSERT_EQ(byte, 'y');
  EXPECT_THAT(RunFolder::Claim(dir, true, kConfig),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("in use by pid " + std::to_string(child))));
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  EXPECT_OK(RunFolder::Claim(dir, true, kConfig));
}

TEST(RunFolderTest, OtherRanksCheckNothing) {
  const std::string dir = Dir("ranks");
  auto main_rank = RunFolder::Claim(dir, false, kConfig);
  ASSERT_OK(main_rank);
  setenv("RANK", "1", 1);
  EXPECT_OK(RunFolder::Claim(dir, false, kConfig));
  unsetenv("RANK");
}

TEST(RunFolderTest, EmptyDirectoryNameIsAnError) {
  EXPECT_THAT(RunFolder::Claim("", false, kConfig),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--output_dir")));
}

TEST(JsonDifferencesTest, ListsEveryDifferenceInOrder) {
  Json a = {{"x", 1}, {"o", {{"p", {1, 2}}, {"q", "s"}}}};
  Json b = {{"x", 1}, {"o", {{"p", {1, 3}}, {"q", "s"}}}, {"n", nullptr}};
  EXPECT_THAT(JsonDifferences(a, b, {}),
              ::testing::ElementsAre("$.o.p: [1,2] -> [1,3]", "$.n: (absent) -> null"));
  EXPECT_THAT(JsonDifferences(a, b, {"o.p", "n"}), ::testing::IsEmpty());
  EXPECT_THAT(JsonDifferences(a, a, {}), ::testing::IsEmpty());
}

}  // namespace
}  // namespace nas
