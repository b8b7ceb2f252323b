#include "nas/base/file.h"

#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nas {
namespace {

using ::testing::HasSubstr;

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

TEST(FileTest, WriteAtomicallyCreatesParentsAndReplaces) {
  std::string path = JoinPath(TempDir(), "a/b/c.txt");
  ASSERT_TRUE(WriteFileAtomically(path, "first").ok());
  EXPECT_EQ(*ReadFile(path), "first");
  ASSERT_TRUE(WriteFileAtomically(path, "second").ok());
  EXPECT_EQ(*ReadFile(path), "second");
  EXPECT_FALSE(FileExists(path + ".tmp." + std::to_string(getpid())));
}

TEST(FileTest, ReadMissingFileIsNotFoundNamingTheFile) {
  auto content = ReadFile(JoinPath(TempDir(), "does_not_exist.txt"));
  EXPECT_EQ(content.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(content.status().message()), HasSubstr("does_not_exist.txt"));
}

TEST(FileTest, WriteIntoAFileAsDirectoryFails) {
  std::string file = JoinPath(TempDir(), "plain");
  ASSERT_TRUE(WriteFileAtomically(file, "x").ok());
  absl::Status s = WriteFileAtomically(JoinPath(file, "child.txt"), "y");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("not a directory"));
  EXPECT_EQ(*ReadFile(file), "x");
}

TEST(FileTest, ResolveUserPathUsesBazelWorkingDirectory) {
  setenv("BUILD_WORKING_DIRECTORY", "/home/user/project", 1);
  EXPECT_EQ(ResolveUserPath("out"), "/home/user/project/out");
  EXPECT_EQ(ResolveUserPath("/abs/out"), "/abs/out");
  unsetenv("BUILD_WORKING_DIRECTORY");
  EXPECT_EQ(ResolveUserPath("out"), "out");
}

TEST(FileTest, JoinPath) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(JoinPath("", "b"), "b");
}

}  // namespace
}  // namespace nas
