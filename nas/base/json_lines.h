// Append-only JSON-lines logs that survive being killed: each record is one
// line written with a single write() and fsync'ed, and a reader drops a
// torn last line (a kill in the middle of a write) instead of failing.
// Used for search histories, where losing a finished trial costs a rerun.
#ifndef NAS_BASE_JSON_LINES_H_
#define NAS_BASE_JSON_LINES_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nas/base/json.h"

namespace nas {

// The records of `path`; a missing file has none. A last line without its
// newline that does not parse is dropped (with a warning) and, when
// `repair` is set, cut from the file so appends continue cleanly. Any other
// malformed line is an error naming its line number.
absl::StatusOr<std::vector<Json>> ReadJsonLines(const std::string& path, bool repair);

// Keeps the records of `path` for which `keep` is true and rewrites the
// file atomically (unchanged when every record is kept; nothing to do when
// it does not exist). Lines that do not parse are dropped.
absl::Status FilterJsonLines(const std::string& path, const std::function<bool(const Json&)>& keep);

class JsonLinesWriter {
 public:
  // Appends to `path` (created, with its directory, when missing).
  static absl::StatusOr<std::unique_ptr<JsonLinesWriter>> Open(const std::string& path);
  ~JsonLinesWriter();

  // One compact line, flushed to disk before returning.
  absl::Status append(const Json& record);

 private:
  JsonLinesWriter(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace nas

#endif  // NAS_BASE_JSON_LINES_H_
