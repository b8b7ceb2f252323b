// Draws a registered search space, or one architecture in it, as Graphviz
// (see tools/draw.h): the .dot file always, the SVG too when Graphviz's
// `dot` is on PATH.
//
// RUN: tools/bazel run //tools:draw -- --space=small_cnn --architecture=arch.json --output=arch.dot
#include <cstdio>

#include <gflags/gflags.h>

#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"
#include "tools/draw.h"
#include "tools/space_flags.h"

DEFINE_string(architecture, "",
              "Architecture file to highlight (formats.md; relative to where you ran bazel run). "
              "Empty: draw the whole space.");
DEFINE_string(output, "",
              "The .dot file to write (relative to where you ran bazel run); the SVG goes next to "
              "it. Default: <space>.dot.");
DEFINE_bool(modules, true,
            "Also draw the modules without choices (stem, head, ...) as grey boxes.");
DEFINE_bool(svg, true, "Also render the SVG with Graphviz's `dot` when it is on PATH.");

namespace {

absl::Status Run() {
  if (nas::tools::ListSpacesIfAsked()) return absl::OkStatus();
  nas::tools::DrawOptions options;
  options.space = FLAGS_space;
  NAS_ASSIGN_OR_RETURN(options.space_options, nas::tools::SpaceOptionsFlag());
  if (!FLAGS_architecture.empty()) options.architecture = nas::ResolveUserPath(FLAGS_architecture);
  options.output = nas::ResolveUserPath(FLAGS_output.empty() ? FLAGS_space + ".dot" : FLAGS_output);
  options.show_modules = FLAGS_modules;
  options.render_svg = FLAGS_svg;
  NAS_ASSIGN_OR_RETURN(nas::tools::DrawResult result, nas::tools::Draw(options));
  printf("wrote %s\n", result.dot_path.c_str());
  if (!result.svg_path.empty()) printf("wrote %s\n", result.svg_path.c_str());
  if (!result.note.empty()) fprintf(stderr, "note: %s\n", result.note.c_str());
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain(
      "Draws a registered search space or an architecture in it as Graphviz (.dot, .svg).", &argc,
      &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
