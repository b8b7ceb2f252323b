#include "nas/train/slurm_hostlist.h"

#include "absl/strings/str_cat.h"

namespace nas {

absl::StatusOr<std::string> FirstSlurmHost(absl::string_view hostlist) {
  auto malformed = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("Slurm node list '", hostlist, "' is not a hostlist (", why, ")"));
  };
  // The first element ends at the first comma outside brackets; each
  // bracket group in it contributes its first value ("07" of "[07-10,12]").
  std::string host;
  for (size_t i = 0; i < hostlist.size() && hostlist[i] != ','; ++i) {
    const char c = hostlist[i];
    if (c == ']') return malformed("']' without '['");
    if (c != '[') {
      host += c;
      continue;
    }
    const size_t close = hostlist.find(']', i + 1);
    if (close == absl::string_view::npos) return malformed("'[' without ']'");
    const absl::string_view group = hostlist.substr(i + 1, close - i - 1);
    if (group.find('[') != absl::string_view::npos) return malformed("nested '['");
    const absl::string_view first = group.substr(0, group.find_first_of(",-"));
    if (first.empty()) return malformed("an empty range");
    absl::StrAppend(&host, first);
    i = close;
  }
  if (host.empty()) return malformed("no host");
  return host;
}

}  // namespace nas
