#include "nas/base/verified_file.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "nas/base/digest.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"

namespace nas {
namespace {

std::string Basename(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string DigestPath(const std::string& path) { return path + ".sha256"; }

absl::Status WriteVerifiedFile(const std::string& path, const std::string& content) {
  absl::Status digest = WriteFileAtomically(
      DigestPath(path), absl::StrCat(Sha256Hex(content), "  ", Basename(path), "\n"));
  if (!digest.ok()) return digest;
  return WriteFileAtomically(path, content);
}

absl::StatusOr<std::string> ReadVerifiedFile(const std::string& path) {
  absl::StatusOr<std::string> content = ReadFile(path);
  if (!content.ok()) return content.status();
  const std::string digest_path = DigestPath(path);
  if (!FileExists(digest_path)) {
    LOG(WARNING) << path << " has no " << Basename(digest_path) << ": read without verifying it";
    return content;
  }
  absl::StatusOr<std::string> line = ReadFile(digest_path);
  if (!line.ok()) return line.status();
  const std::string expected = line->substr(0, line->find_first_of(" \n"));
  if (expected.size() != 64 ||
      expected.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return absl::DataLossError(
        absl::StrCat(digest_path, " is damaged (not a SHA-256 digest): cannot verify ", path));
  }
  const std::string actual = Sha256Hex(*content);
  if (actual != expected) {
    return absl::DataLossError(absl::StrCat(path, " is damaged: its SHA-256 ", actual.substr(0, 12),
                                            "... differs from ", Basename(digest_path), "'s ",
                                            expected.substr(0, 12), "... (written with it)"));
  }
  return content;
}

void RemoveVerifiedFile(const std::string& path) {
  std::remove(path.c_str());
  std::remove(DigestPath(path).c_str());
}

}  // namespace nas
