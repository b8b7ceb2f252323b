// Prints the FLOPs (MACs) and parameters of an architecture of a registered
// search space, as JSON on stdout (see tools/inspect.h).
//
// RUN: tools/bazel run //tools:inspect -- --space=small_cnn --architecture=arch.json
#include <cstdio>

#include <gflags/gflags.h>

#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"
#include "tools/inspect.h"
#include "tools/space_flags.h"

DEFINE_string(architecture, "",
              "Architecture file (formats.md; relative to where you ran bazel run). Empty: report "
              "the number of choices and the supernet's parameters only.");

namespace {

absl::Status Run() {
  if (nas::tools::ListSpacesIfAsked()) return absl::OkStatus();
  nas::tools::InspectOptions options;
  options.space = FLAGS_space;
  NAS_ASSIGN_OR_RETURN(options.space_options, nas::tools::SpaceOptionsFlag());
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
