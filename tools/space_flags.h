// The flags every tool that builds a registered space shares, defined once:
// --space, --space_options and --list (inspect, draw, ss_gen, export,
// latency). Link //tools:space_flags from the tool's main only.
//
//   if (nas::tools::ListSpacesIfAsked()) return absl::OkStatus();
//   NAS_ASSIGN_OR_RETURN(nas::Json options, nas::tools::SpaceOptionsFlag());
#ifndef TOOLS_SPACE_FLAGS_H_
#define TOOLS_SPACE_FLAGS_H_

#include <string>

#include <gflags/gflags_declare.h>

#include "absl/status/statusor.h"
#include "nas/base/json.h"

DECLARE_string(space);
DECLARE_string(space_options);

namespace nas::tools {

// With --list: prints the registered spaces, one per line, and returns true.
bool ListSpacesIfAsked();

// --space_options parsed (an error names the flag).
absl::StatusOr<Json> SpaceOptionsFlag();

}  // namespace nas::tools

#endif  // TOOLS_SPACE_FLAGS_H_
