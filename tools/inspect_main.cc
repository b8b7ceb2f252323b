// Prints the FLOPs (MACs) and parameters of an architecture of a registered
// search space, as JSON on stdout (see tools/inspect.h).
//
// RUN: tools/bazel run //tools:inspect -- --space=small_cnn --architecture=arch.json
#include <cstdio>

#include <gflags/gflags.h>

#include "absl/strings/str_join.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"
#include "nas/core/space_registry.h"
#include "tools/inspect.h"

DEFINE_string(space, "", "Registered search space to build (see --list).");
DEFINE_string(space_options, "{}", "Options of the search space, as a JSON object.");
DEFINE_string(architecture, "",
              "Architecture file (formats.md; relative to where you ran bazel run). Empty: report "
              "the number of choices and the supernet's parameters only.");
DEFINE_bool(list, false, "List the registered search spaces and exit.");

namespace {

absl::Status Run() {
  if (FLAGS_list) {
    printf("%s\n", absl::StrJoin(nas::SpaceRegistry().Names(), "\n").c_str());
    return absl::OkStatus();
  }
  nas::tools::InspectOptions options;
  options.space = FLAGS_space;
  NAS_ASSIGN_OR_RETURN(options.space_options,
                       nas::ParseJson(FLAGS_space_options, "--space_options"));
  if (!FLAGS_architecture.empty()) options.architecture = nas::ResolveUserPath(FLAGS_architecture);
  NAS_ASSIGN_OR_RETURN(nas::Json report, nas::tools::Inspect(options));
  printf("%s\n", report.dump(2).c_str());
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("Prints the FLOPs (MACs) and parameters of an architecture of a registered space.",
                &argc, &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
