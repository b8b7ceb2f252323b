#include "nas/base/run_folder.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nas/base/file.h"
#include "nas/base/status.h"

namespace nas {
namespace {

// A rank other than 0 of a distributed job (the launchers' variables).
bool IsOtherRank() {
  for (const char* name : {"RANK", "SLURM_PROCID", "OMPI_COMM_WORLD_RANK"}) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') continue;
    int rank = 0;
    return absl::SimpleAtoi(value, &rank) && rank != 0;
  }
  return false;
}

std::string CommandLine() {
  absl::StatusOr<std::string> raw = ReadFile("/proc/self/cmdline");
  if (!raw.ok()) return "?";
  std::string command = *raw;
  while (!command.empty() && command.back() == '\0') command.pop_back();
  std::replace(command.begin(), command.end(), '\0', ' ');
  if (command.size() > 300) command = command.substr(0, 300) + "...";
  return command;
}

std::string UtcNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm;
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string Hostname() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) return "?";
  return host;
}

// Who holds the lock, from what it wrote into the lock file.
std::string Holder(int fd) {
  char buffer[2048];
  ssize_t n = pread(fd, buffer, sizeof(buffer) - 1, 0);
  if (n <= 0) return "another process";
  absl::StatusOr<Json> j = ParseJson(absl::string_view(buffer, static_cast<size_t>(n)), "lock");
  if (!j.ok() || !j->is_object()) return "another process";
  return absl::StrCat("pid ", JsonIntegerOr(*j, "pid", 0), " on ", JsonStringOr(*j, "host", "?"),
                      " (since ", JsonStringOr(*j, "started", "?"), ": ",
                      JsonStringOr(*j, "command", "?"), ")");
}

// The entries of `dir` other than the lock file.
absl::StatusOr<std::vector<std::string>> Entries(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    return absl::InternalError(absl::StrCat("cannot list ", dir, ": ", std::strerror(errno)));
  }
  std::vector<std::string> names;
  while (dirent* entry = readdir(d)) {
    std::string name = entry->d_name;
    if (name == "." || name == ".." || name == RunFolder::kLockFile) continue;
    names.push_back(name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

// `skip` names members without the leading "$." ("data.workers").
bool Skipped(const std::string& path, const std::vector<std::string>& skip) {
  const std::string member = path.size() > 2 ? path.substr(2) : "";
  return std::find(skip.begin(), skip.end(), member) != skip.end();
}

void Differences(const Json& a, const Json& b, const std::string& path,
                 const std::vector<std::string>& skip, std::vector<std::string>* out) {
  if (Skipped(path, skip)) return;
  if (!a.is_object() || !b.is_object()) {
    if (a != b) out->push_back(absl::StrCat(path, ": ", a.dump(), " -> ", b.dump()));
    return;
  }
  for (auto it = a.begin(); it != a.end(); ++it) {
    const std::string child = JsonChildPath(path, it.key());
    auto other = b.find(it.key());
    if (other != b.end()) {
      Differences(it.value(), *other, child, skip, out);
    } else if (!Skipped(child, skip)) {
      out->push_back(absl::StrCat(child, ": ", it.value().dump(), " -> (absent)"));
    }
  }
  for (auto it = b.begin(); it != b.end(); ++it) {
    const std::string child = JsonChildPath(path, it.key());
    if (!a.contains(it.key()) && !Skipped(child, skip)) {
      out->push_back(absl::StrCat(child, ": (absent) -> ", it.value().dump()));
    }
  }
}

}  // namespace

std::vector<std::string> JsonDifferences(const Json& a, const Json& b,
                                         const std::vector<std::string>& skip) {
  std::vector<std::string> out;
  Differences(a, b, "$", skip, &out);
  return out;
}

absl::StatusOr<std::unique_ptr<RunFolder>> RunFolder::Claim(
    const std::string& dir, bool resume, const Json& config,
    const std::vector<std::string>& may_change) {
  if (dir.empty()) return absl::InvalidArgumentError("--output_dir must not be empty");
  if (IsOtherRank()) {
    return std::unique_ptr<RunFolder>(new RunFolder(dir, -1));
  }
  const bool existed = FileExists(dir);
  if (resume && !existed) {
    return absl::FailedPreconditionError(
        absl::StrCat("--resume: ", dir, " does not exist: there is no run to resume there"));
  }
  NAS_RETURN_IF_ERROR(MakeDirs(dir));
  const std::string lock_path = JoinPath(dir, kLockFile);
  int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create ", lock_path, ": ", std::strerror(errno)));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    std::string holder = Holder(fd);
    close(fd);
    if (err == EWOULDBLOCK) {
      return absl::FailedPreconditionError(
          absl::StrCat(dir, " is in use by ", holder,
                       ": wait for that run to end, or choose another --output_dir"));
    }
    return absl::InternalError(absl::StrCat("cannot lock ", lock_path, ": ", std::strerror(err)));
  }
  std::unique_ptr<RunFolder> folder(new RunFolder(dir, fd));
  folder->created_dir_ = !existed;
  const Json holder = {{"pid", static_cast<int64_t>(getpid())},
                       {"host", Hostname()},
                       {"started", UtcNow()},
                       {"command", CommandLine()}};
  const std::string holder_text = holder.dump() + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, holder_text.data(), holder_text.size(), 0) !=
                                   static_cast<ssize_t>(holder_text.size())) {
    return absl::InternalError(
        absl::StrCat("cannot write ", lock_path, ": ", std::strerror(errno)));
  }

  const std::string run_path = JoinPath(dir, kRunFile);
  if (!resume) {
    absl::StatusOr<std::vector<std::string>> entries = Entries(dir);
    if (!entries.ok()) return entries.status();
    if (!entries->empty()) {
      std::vector<std::string> shown(entries->begin(),
                                     entries->begin() + std::min<size_t>(entries->size(), 5));
      return absl::FailedPreconditionError(
          absl::StrCat(dir, " already holds ", FileExists(run_path) ? "a run" : "files", " (",
                       absl::StrJoin(shown, ", "), entries->size() > shown.size() ? ", ..." : "",
                       "): pass --resume to continue it, or choose another --output_dir"));
    }
    folder->run_ = {{"config", config}, {"finished", false}};
    folder->new_run_ = true;
    NAS_RETURN_IF_ERROR(WriteJsonFile(run_path, folder->run_));
    return folder;
  }
  if (!FileExists(run_path)) {
    return absl::FailedPreconditionError(
        absl::StrCat("--resume: ", dir, " holds no run to resume (no ", kRunFile, ")"));
  }
  absl::StatusOr<Json> run = ReadJsonFile(run_path);
  if (!run.ok()) return run.status();
  if (!run->is_object() || !run->contains("config") || !(*run)["finished"].is_boolean()) {
    return absl::DataLossError(
        absl::StrCat(run_path, ": not a run record (expected \"config\" and \"finished\")"));
  }
  std::vector<std::string> changed = JsonDifferences((*run)["config"], config, may_change);
  if (!changed.empty()) {
    const size_t shown = std::min<size_t>(changed.size(), 8);
    return absl::InvalidArgumentError(absl::StrCat(
        "--resume: the configuration differs from the run's (", run_path,
        "): ", absl::StrJoin(changed.begin(), changed.begin() + shown, "; "),
        changed.size() > shown ? absl::StrCat("; and ", changed.size() - shown, " more") : "",
        ". Resume with the run's settings, or start a new run in another --output_dir"));
  }
  const bool same = JsonDifferences((*run)["config"], config, {}).empty();
  folder->finished_ = (*run)["finished"].get<bool>() && same;
  folder->run_ = *std::move(run);
  folder->run_["config"] = config;
  return folder;
}

RunFolder::~RunFolder() {
  if (lock_fd_ >= 0) close(lock_fd_);  // releases the flock
}

absl::Status RunFolder::Close(const absl::Status& run_status) {
  if (lock_fd_ < 0) return run_status;
  if (run_status.ok()) {
    run_["finished"] = true;
    return WriteJsonFile(JoinPath(dir_, kRunFile), run_);
  }
  if (new_run_) {
    absl::StatusOr<std::vector<std::string>> entries = Entries(dir_);
    if (entries.ok() && entries->size() == 1 && (*entries)[0] == kRunFile) {
      std::remove(JoinPath(dir_, kRunFile).c_str());
      if (created_dir_) {
        std::remove(JoinPath(dir_, kLockFile).c_str());
        rmdir(dir_.c_str());
      }
    }
  }
  return run_status;
}

}  // namespace nas
