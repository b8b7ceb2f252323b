#include "tools/bench/python_reference.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nas/base/file.h"

namespace nas::bench {
namespace {

// Debian's interpreter, not whatever python3 comes first on PATH: the
// python3-torch package installs there.
constexpr char kPython[] = "/usr/bin/python3";

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs `command` through the shell; its stdout, and its exit status in
// `*status` (-1 when it could not be started).
std::string Capture(const std::string& command, int* status) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *status = -1;
    return out;
  }
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  const int raw = pclose(pipe);
  *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

}  // namespace

bool PythonHasTorch() {
  int status = 0;
  Capture(absl::StrCat(kPython, " -c 'import torch' > /dev/null 2>&1"), &status);
  return status == 0;
}

absl::StatusOr<Json> RunPythonScript(const std::string& script,
                                     const std::vector<std::string>& args) {
  if (!FileExists(script)) return absl::NotFoundError(absl::StrCat("no script ", script));
  std::vector<std::string> words = {kPython, script};
  words.insert(words.end(), args.begin(), args.end());
  for (std::string& w : words) w = Quote(w);
  const std::string err = absl::StrCat("/tmp/python_reference.", getpid(), ".stderr");
  int status = 0;
  const std::string out =
      Capture(absl::StrCat(absl::StrJoin(words, " "), " 2> ", Quote(err)), &status);
  absl::StatusOr<std::string> stderr_text = ReadFile(err);
  std::remove(err.c_str());
  if (status != 0) {
    return absl::InternalError(absl::StrCat(script, " failed (exit ", status,
                                            "): ", stderr_text.ok() ? *stderr_text : ""));
  }
  std::istringstream lines(out);
  std::string line, last;
  while (std::getline(lines, line)) {
    if (!line.empty()) last = line;
  }
  return ParseJson(last, script + "'s output");
}

absl::StatusOr<Json> RunPythonReference(const std::string& script,
                                        const std::vector<std::string>& args) {
  if (!PythonHasTorch()) {
    return absl::NotFoundError(absl::StrCat(
        "not run: ", kPython, " cannot import torch (install Debian's python3-torch to compare)"));
  }
  return RunPythonScript(script, args);
}

}  // namespace nas::bench
