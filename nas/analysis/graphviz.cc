#include "nas/analysis/graphviz.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "nas/base/file.h"

namespace nas {

std::string DotQuote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string DotHtmlEscape(absl::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

absl::StatusOr<std::string> FindOnPath(absl::string_view name) {
  const char* path = std::getenv("PATH");
  if (path != nullptr) {
    for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
      std::string candidate = JoinPath(std::string(dir), std::string(name));
      struct stat st;
      if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
          access(candidate.c_str(), X_OK) == 0) {
        return candidate;
      }
    }
  }
  return absl::NotFoundError(absl::StrCat("'", name, "' is not on PATH"));
}

absl::Status RenderDot(const std::string& dot_path, const std::string& out_path,
                       const std::string& format) {
  absl::StatusOr<std::string> dot = FindOnPath("dot");
  if (!dot.ok()) {
    return absl::NotFoundError(
        "Graphviz's 'dot' is not on PATH (apt-get install graphviz); only the .dot file was "
        "written");
  }
  const std::string tmp = out_path + ".tmp";
  const std::string err = out_path + ".stderr";
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  if (pid == 0) {
    int fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) dup2(fd, STDERR_FILENO);
    std::string t = "-T" + format;
    std::vector<char*> argv = {const_cast<char*>(dot->c_str()),
                               const_cast<char*>(t.c_str()),
                               const_cast<char*>("-o"),
                               const_cast<char*>(tmp.c_str()),
                               const_cast<char*>(dot_path.c_str()),
                               nullptr};
    execv(dot->c_str(), argv.data());
    _exit(127);
  }
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) return absl::InternalError(absl::StrCat("waitpid: ", strerror(errno)));
  }
  std::string message;
  if (absl::StatusOr<std::string> text = ReadFile(err); text.ok()) {
    message = std::string(absl::StripTrailingAsciiWhitespace(*text));
  }
  unlink(err.c_str());
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    unlink(tmp.c_str());
    // One line: dot's messages may span several.
    for (char& c : message) {
      if (c == '\n') c = ' ';
    }
    return absl::InternalError(
        absl::StrCat(*dot, " failed on ", dot_path, message.empty() ? "" : ": ", message));
  }
  if (rename(tmp.c_str(), out_path.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot rename ", tmp, " to ", out_path, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace nas
