// Writes the search-space JSON (NNI's format) of any registered model,
// like `nnictl ss_gen` but without running a trial.
//
// RUN: tools/bazel run //tools:ss_gen -- --space=small_cnn --output=space.json
#include <cstdio>
#include <string>

#include <gflags/gflags.h>

#include "absl/strings/str_join.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/space_registry.h"
#include "tools/space_flags.h"

DEFINE_string(output, "", "File to write (relative to where you ran bazel run); empty = stdout.");

namespace {

absl::Status Run() {
  if (nas::tools::ListSpacesIfAsked()) return absl::OkStatus();
  if (FLAGS_space.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--space is required; registered: ", absl::StrJoin(nas::SpaceRegistry().Names(), ", ")));
  }
  NAS_ASSIGN_OR_RETURN(nas::SpaceFactory factory, nas::SpaceRegistry().Lookup(FLAGS_space));
  NAS_ASSIGN_OR_RETURN(nas::Json options, nas::tools::SpaceOptionsFlag());
  NAS_ASSIGN_OR_RETURN(nas::BuiltSpace built, factory(options));
  NAS_ASSIGN_OR_RETURN(nas::SearchSpace space, nas::SearchSpaceOf(*built.model));
  if (FLAGS_output.empty()) {
    printf("%s\n", space.to_json().dump(2).c_str());
    return absl::OkStatus();
  }
  std::string path = nas::ResolveUserPath(FLAGS_output);
  NAS_RETURN_IF_ERROR(nas::WriteJsonFile(path, space.to_json()));
  fprintf(stderr, "wrote %zu choices to %s\n", space.choices().size(), path.c_str());
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("Writes the search space (NNI's search-space JSON) of a registered model.", &argc,
                &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
