#include "tools/bench/python_reference.h"

#include <unistd.h>

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/file.h"
#include "nas/testing/status_matchers.h"

namespace nas::bench {
namespace {

using ::testing::HasSubstr;

class PythonReferenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/python3";
  }
  std::string Script(const std::string& name, const std::string& text) {
    const std::string path = JoinPath(::testing::TempDir(), name);
    EXPECT_OK(WriteFileAtomically(path, text));
    return path;
  }
};

TEST_F(PythonReferenceTest, ReturnsTheLastJsonLineAndPassesArguments) {
  const std::string s = Script("ok.py",
                               "import json, sys\n"
                               "print('warming up')\n"
                               "print(json.dumps({'args': sys.argv[1:], 'ms': {'op': 1.5}}))\n");
  absl::StatusOr<Json> j = RunPythonReference(s, {"--batch=64", "it's quoted"});
  ASSERT_OK(j.status());
  EXPECT_EQ((*j)["ms"]["op"].get<double>(), 1.5);
  EXPECT_EQ((*j)["args"][1].get<std::string>(), "it's quoted");
}

TEST_F(PythonReferenceTest, FailuresNameTheScript) {
  EXPECT_THAT(std::string(RunPythonReference("/nonexistent/x.py", {}).status().message()),
              HasSubstr("no script /nonexistent/x.py"));
  const std::string failing =
      Script("fail.py", "import sys\nsys.stderr.write('boom')\nsys.exit(3)\n");
  absl::Status s = RunPythonReference(failing, {}).status();
  EXPECT_TRUE(absl::IsInternal(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("fail.py failed (exit 3): boom"));
  const std::string garbage = Script("garbage.py", "print('not json')\n");
  EXPECT_THAT(std::string(RunPythonReference(garbage, {}).status().message()),
              HasSubstr("garbage.py's output"));
}

TEST_F(PythonReferenceTest, WithoutTorchSaysHowToGetIt) {
  absl::StatusOr<Json> j =
      RunPythonReference(Script("needs_torch.py", "import torch\nprint('{}')\n"), {});
  if (j.ok()) GTEST_SKIP() << "python3-torch is installed here";
  EXPECT_TRUE(absl::IsNotFound(j.status())) << j.status();
  EXPECT_THAT(std::string(j.status().message()), HasSubstr("install Debian's python3-torch"));
}

}  // namespace
}  // namespace nas::bench
