// Files that matter (checkpoints, results, architectures) are written
// atomically: a temporary file in the same directory, flushed and fsync'ed,
// then renamed over the target. A crash leaves the old file or the new one,
// never half of either.
#ifndef NAS_BASE_FILE_H_
#define NAS_BASE_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace nas {

// The whole file. NotFound when it does not exist; the message names it.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// Replaces `path` with `content` atomically (temp + fsync + rename); creates
// missing parent directories.
absl::Status WriteFileAtomically(const std::string& path, const std::string& content);

// Creates `dir` and its parents (like mkdir -p).
absl::Status MakeDirs(const std::string& dir);

bool FileExists(const std::string& path);

// A path given by the user on the command line, resolved against the
// directory `bazel run` was started from (BUILD_WORKING_DIRECTORY), so
// outputs never land in Bazel's runfiles. Absolute paths are unchanged.
std::string ResolveUserPath(const std::string& path);

// "dir/name" without doubling the separator.
std::string JoinPath(const std::string& dir, const std::string& name);

}  // namespace nas

#endif  // NAS_BASE_FILE_H_
