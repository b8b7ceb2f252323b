#include "nas/analysis/graphviz.h"

#include <sys/stat.h>

#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/file.h"

namespace nas {
namespace {

using ::testing::HasSubstr;

// A directory holding one fake `dot` (a shell script), put alone on PATH.
class FakeDotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_path_ = std::getenv("PATH") ? std::getenv("PATH") : "";
    dir_ = JoinPath(std::getenv("TEST_TMPDIR"),
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(MakeDirs(dir_).ok());
    setenv("PATH", dir_.c_str(), 1);
  }
  void TearDown() override { setenv("PATH", saved_path_.c_str(), 1); }

  void InstallDot(const std::string& script) {
    std::string path = JoinPath(dir_, "dot");
    ASSERT_TRUE(WriteFileAtomically(path, script).ok());
    chmod(path.c_str(), 0755);
  }

  std::string saved_path_;
  std::string dir_;
};

TEST(GraphvizTest, QuotesIdsAndEscapesHtml) {
  EXPECT_EQ(DotQuote("op1"), "\"op1\"");
  EXPECT_EQ(DotQuote("a \"b\"\\c\nd"), "\"a \\\"b\\\"\\\\c\\nd\"");
  EXPECT_EQ(DotHtmlEscape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
}

TEST_F(FakeDotTest, MissingDotIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(FindOnPath("dot").status()));
  absl::Status s = RenderDot(JoinPath(dir_, "g.dot"), JoinPath(dir_, "g.svg"));
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
  EXPECT_THAT(s.message(), HasSubstr("apt-get install graphviz"));
  EXPECT_FALSE(FileExists(JoinPath(dir_, "g.svg")));
}

TEST_F(FakeDotTest, RunsDotWithFormatAndOutput) {
  // Writes its arguments where -o says: "-Tsvg -o <tmp> <input>".
  InstallDot("#!/bin/sh\necho \"$1 $3 $4\" > \"$3\"\n");
  ASSERT_TRUE(FindOnPath("dot").ok());
  std::string in = JoinPath(dir_, "g.dot"), out = JoinPath(dir_, "g.svg");
  ASSERT_TRUE(WriteFileAtomically(in, "digraph g {}\n").ok());
  ASSERT_TRUE(RenderDot(in, out).ok());
  absl::StatusOr<std::string> text = ReadFile(out);
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("-Tsvg " + out + ".tmp " + in));
  EXPECT_FALSE(FileExists(out + ".tmp"));
  EXPECT_FALSE(FileExists(out + ".stderr"));
}

TEST_F(FakeDotTest, DotFailureKeepsItsMessageOnOneLine) {
  InstallDot(
      "#!/bin/sh\necho 'Error: syntax error in line 3' >&2\necho 'near \"}\"' >&2\nexit 1\n");
  std::string in = JoinPath(dir_, "g.dot"), out = JoinPath(dir_, "g.svg");
  absl::Status s = RenderDot(in, out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(s.message(), HasSubstr("syntax error in line 3 near"));
  EXPECT_EQ(std::string(s.message()).find('\n'), std::string::npos);
  EXPECT_FALSE(FileExists(out));
}

}  // namespace
}  // namespace nas
