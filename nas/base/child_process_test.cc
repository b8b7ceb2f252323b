#include "nas/base/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

std::string Tmp(const std::string& name) {
  return std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

ChildSpec Command(std::vector<std::string> argv) {
  ChildSpec spec;
  spec.argv = std::move(argv);
  return spec;
}

int RunToEnd(const ChildSpec& spec) {
  absl::StatusOr<pid_t> pid = SpawnGuarded(spec);
  EXPECT_OK(pid);
  int status = 0;
  EXPECT_EQ(waitpid(*pid, &status, 0), *pid);
  return status;
}

// Gone, or a zombie nobody has reaped yet.
bool Gone(pid_t pid) {
  if (kill(pid, 0) != 0) return true;
  std::string stat = Slurp("/proc/" + std::to_string(pid) + "/stat");
  size_t close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

TEST(ChildProcessTest, EndsTheWayTheCommandEnds) {
  int status = RunToEnd(Command({"/bin/sh", "-c", "exit 3"}));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  status = RunToEnd(Command({"sh", "-c", "kill -USR1 $$"}));  // found on PATH
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGUSR1);
}

TEST(ChildProcessTest, EnvironmentWorkingDirectoryAndOutputs) {
  const std::string out = Tmp("out.txt");
  int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ChildSpec spec;
  spec.argv = {"/bin/sh", "-c", "echo \"$GREETING\"; pwd"};
  spec.env = {"GREETING=hello", "PATH=/bin:/usr/bin"};
  spec.working_dir = "/";
  spec.stdout_fd = fd;
  int status = RunToEnd(spec);
  close(fd);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(Slurp(out), "hello\n/\n");
  spec.working_dir = "/nonexistent";
  status = RunToEnd(spec);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 126);
}

TEST(ChildProcessTest, BadCommandsAreErrors) {
  EXPECT_THAT(SpawnGuarded(ChildSpec()), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(SpawnGuarded(Command({"no-such-program-anywhere"})),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("not a program on PATH")));
  EXPECT_THAT(SpawnGuarded(Command({"/nonexistent/program"})),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("not an executable file")));
}

TEST(ChildProcessTest, KillingTheGroupStopsEverythingTheCommandStarted) {
  const std::string pid_file = Tmp("group.pid");
  absl::StatusOr<pid_t> pid =
      SpawnGuarded(Command({"/bin/sh", "-c", "sleep 100 & echo $! > " + pid_file + "; wait"}));
  ASSERT_OK(pid);
  std::string grandchild;
  for (int i = 0; i < 500 && grandchild.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    grandchild = Slurp(pid_file);
  }
  ASSERT_FALSE(grandchild.empty());
  kill(-*pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(*pid, &status, 0), *pid);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(Gone(std::stoi(grandchild)));
}

// The driver killed with -9: the command and what it started go too.
TEST(ChildProcessTest, NothingOutlivesAStarterKilledByKill9) {
  const std::string pid_file = Tmp("orphan.pid");
  pid_t starter = fork();
  ASSERT_GE(starter, 0);
  if (starter == 0) {
    // A launcher-like wrapper: the trial is a grandchild of the guardian.
    ChildSpec spec;
    spec.argv = {"/bin/sh", "-c", "sh -c 'sleep 100 & echo $! > " + pid_file + "; wait'; wait"};
    absl::StatusOr<pid_t> pid = SpawnGuarded(spec);
    if (!pid.ok()) _exit(1);
    pause();
    _exit(0);
  }
  std::string sleeper;
  for (int i = 0; i < 500 && sleeper.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    sleeper = Slurp(pid_file);
  }
  ASSERT_FALSE(sleeper.empty());
  const pid_t sleep_pid = std::stoi(sleeper);
  EXPECT_FALSE(Gone(sleep_pid));
  kill(starter, SIGKILL);
  waitpid(starter, nullptr, 0);
  auto start = std::chrono::steady_clock::now();
  while (!Gone(sleep_pid) && std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(Gone(sleep_pid)) << "the trial's child outlived its driver";
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
}  // namespace nas
