#include "tools/space_flags.h"

#include <cstdio>

#include <gflags/gflags.h>

#include "absl/strings/str_join.h"
#include "nas/core/space_registry.h"

DEFINE_string(space, "", "Registered search space (see --list).");
DEFINE_string(space_options, "{}",
              "Options of the search space, as a JSON object ({} = its defaults).");
DEFINE_bool(list, false, "List the registered search spaces and exit.");

namespace nas::tools {

bool ListSpacesIfAsked() {
  if (!FLAGS_list) return false;
  printf("%s\n", absl::StrJoin(SpaceRegistry().Names(), "\n").c_str());
  return true;
}

absl::StatusOr<Json> SpaceOptionsFlag() {
  return ParseJson(FLAGS_space_options, "--space_options");
}

}  // namespace nas::tools
