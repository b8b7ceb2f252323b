// Files we write and later trust (checkpoints, supernet and model weights)
// carry their SHA-256 next to them, in "<path>.sha256" (sha256sum's format,
// so `sha256sum -c model.pt.sha256` checks one by hand). LibTorch's zip
// reader does not verify its records' CRCs: without this a flipped byte in a
// tensor loads silently as different weights.
//
//   NAS_RETURN_IF_ERROR(WriteVerifiedFile(path, bytes));
//   NAS_ASSIGN_OR_RETURN(std::string bytes, ReadVerifiedFile(path));
#ifndef NAS_BASE_VERIFIED_FILE_H_
#define NAS_BASE_VERIFIED_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace nas {

// "<path>.sha256".
std::string DigestPath(const std::string& path);

// Writes the digest, then the content, each atomically (a kill between the
// two leaves a digest that does not match: reported, never trusted).
absl::Status WriteVerifiedFile(const std::string& path, const std::string& content);

// The content of `path` after checking it against <path>.sha256: DataLoss
// naming the file when they differ or the digest file is malformed. A file
// without a digest file (copied alone, or from an older version) is read
// with a warning.
absl::StatusOr<std::string> ReadVerifiedFile(const std::string& path);

// Removes `path` and its digest file.
void RemoveVerifiedFile(const std::string& path);

}  // namespace nas

#endif  // NAS_BASE_VERIFIED_FILE_H_
