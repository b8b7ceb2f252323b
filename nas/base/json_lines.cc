#include "nas/base/json_lines.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"

namespace nas {

absl::StatusOr<std::vector<Json>> ReadJsonLines(const std::string& path, bool repair) {
  std::vector<Json> records;
  if (!FileExists(path)) return records;
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  size_t pos = 0;
  int line_number = 0;
  while (pos < text->size()) {
    ++line_number;
    size_t end = text->find('\n', pos);
    bool complete = end != std::string::npos;
    std::string line = text->substr(pos, complete ? end - pos : std::string::npos);
    absl::StatusOr<Json> parsed = ParseJson(line, absl::StrCat(path, ":", line_number));
    if (!parsed.ok() || !parsed->is_object()) {
      if (!complete) {
        LOG(WARNING) << path << ": dropping the torn last line " << line_number
                     << " (the writer was killed while writing it)";
        if (repair && truncate(path.c_str(), static_cast<off_t>(pos)) != 0) {
          return absl::InternalError(absl::StrCat("cannot truncate ", path, ": ", strerror(errno)));
        }
        break;
      }
      if (line.find_first_not_of(" \t\r") == std::string::npos) {
        pos = end + 1;
        continue;
      }
      if (!parsed.ok()) return parsed.status();
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line_number, ": not a JSON object: '", line.substr(0, 80), "'"));
    }
    records.push_back(*std::move(parsed));
    if (!complete) {
      // A whole record without its newline: keep it, and end the line so
      // the next append starts a new one.
      if (repair) {
        int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
        if (fd < 0 || write(fd, "\n", 1) != 1) {
          if (fd >= 0) close(fd);
          return absl::InternalError(
              absl::StrCat("cannot append to ", path, ": ", strerror(errno)));
        }
        close(fd);
      }
      break;
    }
    pos = end + 1;
  }
  return records;
}

absl::Status FilterJsonLines(const std::string& path,
                             const std::function<bool(const Json&)>& keep) {
  if (!FileExists(path)) return absl::OkStatus();
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  std::string kept;
  bool dropped = false;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t end = text->find('\n', pos);
    if (end == std::string::npos) end = text->size();
    const std::string line = text->substr(pos, end - pos);
    pos = end + 1;
    absl::StatusOr<Json> record = ParseJson(line, path);
    if (record.ok() && keep(*record)) {
      kept += line + "\n";
    } else {
      dropped = true;
    }
  }
  if (!dropped) return absl::OkStatus();
  return WriteFileAtomically(path, kept);
}

absl::StatusOr<std::unique_ptr<JsonLinesWriter>> JsonLinesWriter::Open(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    absl::Status s = MakeDirs(path.substr(0, slash));
    if (!s.ok()) return s;
  }
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot open ", path, " for appending: ", strerror(errno)));
  }
  return std::unique_ptr<JsonLinesWriter>(new JsonLinesWriter(fd, path));
}

JsonLinesWriter::~JsonLinesWriter() { close(fd_); }

absl::Status JsonLinesWriter::append(const Json& record) {
  std::string line = record.dump() + "\n";
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = write(fd_, line.data() + done, line.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(absl::StrCat("cannot write to ", path_, ": ", strerror(errno)));
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd_) != 0) {
    return absl::InternalError(absl::StrCat("cannot sync ", path_, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace nas
