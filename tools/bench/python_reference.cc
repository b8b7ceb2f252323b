#include "tools/bench/python_reference.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "nas/base/child_process.h"
#include "nas/base/file.h"
#include "nas/base/status.h"

namespace nas::bench {
namespace {

// Debian's interpreter, not whatever python3 comes first on PATH: the
// python3-torch package installs there.
constexpr char kPython[] = "/usr/bin/python3";

// A temporary file, removed with this object.
class TempFile {
 public:
  TempFile() {
    const char* dir = std::getenv("TMPDIR");
    path_ = absl::StrCat(dir != nullptr && *dir != '\0' ? dir : "/tmp", "/python_reference.XXXXXX");
    fd_ = mkstemp(path_.data());
  }
  ~TempFile() {
    if (fd_ >= 0) {
      close(fd_);
      unlink(path_.c_str());
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  int fd() const { return fd_; }
  std::string text() const {
    absl::StatusOr<std::string> t = ReadFile(path_);
    return t.ok() ? *t : "";
  }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace

absl::StatusOr<Json> RunPythonReference(const std::string& script,
                                        const std::vector<std::string>& args) {
  const std::string install = "install Debian's python3-torch to compare";
  if (!FileExists(kPython))
    return absl::NotFoundError(absl::StrCat("no ", kPython, " (", install, ")"));
  if (!FileExists(script)) return absl::NotFoundError(absl::StrCat("no script ", script));
  TempFile out, err;
  if (out.fd() < 0 || err.fd() < 0) {
    return absl::InternalError(absl::StrCat("cannot create a temporary file: ", strerror(errno)));
  }
  ChildSpec spec;
  spec.argv = {kPython, script};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.stdout_fd = out.fd();
  spec.stderr_fd = err.fd();
  NAS_ASSIGN_OR_RETURN(pid_t pid, SpawnGuarded(spec));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const std::string stderr_text = err.text();
    if (absl::StrContains(stderr_text, "No module named 'torch'")) {
      return absl::NotFoundError(
          absl::StrCat("not run: ", kPython, " cannot import torch (", install, ")"));
    }
    return absl::InternalError(absl::StrCat(script, " failed (",
                                            WIFEXITED(status)
                                                ? absl::StrCat("exit ", WEXITSTATUS(status))
                                                : absl::StrCat("signal ", WTERMSIG(status)),
                                            "): ", stderr_text));
  }
  std::istringstream lines(out.text());
  std::string line, last;
  while (std::getline(lines, line)) {
    if (!line.empty()) last = line;
  }
  return ParseJson(last, script + "'s output");
}

}  // namespace nas::bench
