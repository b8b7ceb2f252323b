// //tools:draw: a picture of a search space, or of one architecture in it,
// as a Graphviz graph.
//
//   tools/bazel run //tools:draw -- --space=small_cnn --output=small_cnn.dot
//   tools/bazel run //tools:draw -- --space=small_cnn --architecture=arch.json --output=arch.dot
//
// What the graph shows (nothing is traced: it is the module tree, walked
// like a mutator binding does, see nas/core/mutable_tree.h):
//
//   * every LayerChoice / InputChoice as a box titled by its key, one row
//     per candidate (LayerChoice: candidate names; InputChoice: its
//     choose_from sources, "(input i)" for an input without a key);
//   * an edge from each InputChoice source (an earlier choice, or a
//     MutableScope's cluster) to the row of that candidate;
//   * MutableScopes (cells) and modules that hold two or more choices as
//     clusters, labelled by their key or module path;
//   * modules without choices next to the choices as small grey boxes
//     (stem, head, ...), in definition order, for orientation.
//
// Boxes are laid out top to bottom in definition order (invisible edges);
// the only visible edges are the InputChoice connections. With an
// architecture, chosen rows are bold on green and the others grey (float
// weights are printed next to each candidate), and chosen InputChoice edges
// bold while the unchosen ones are grey and dashed.
//
// Errors (unknown space, bad options, an unreadable architecture or one
// whose keys do not match the space) are returned, never thrown.
#ifndef TOOLS_DRAW_H_
#define TOOLS_DRAW_H_

#include <string>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/architecture.h"
#include "nas/core/torch_fwd.h"

namespace nas::tools {

struct DrawGraphOptions {
  std::string title;                           // the graph's caption ("" = none)
  const Architecture* architecture = nullptr;  // highlight this one (nullptr = the space)
  bool show_modules = true;                    // the grey boxes of modules without choices
};

// The DOT text of `model`'s search space (validated like a mutator binds
// it: a broken space is an error, not a picture).
absl::StatusOr<std::string> DrawModel(torch::nn::Module& model, const DrawGraphOptions& options);

struct DrawOptions {
  std::string space;                    // a SpaceRegistry() name
  Json space_options = Json::object();  // the space's options ({} = defaults)
  std::string architecture;             // path of an architecture file; "" = none
  std::string output;                   // path of the .dot file to write
  bool show_modules = true;
  bool render_svg = true;  // also run `dot -Tsvg` when it is installed
};

struct DrawResult {
  std::string dot_path;
  std::string svg_path;  // "" when no SVG was written
  std::string note;      // why not (Graphviz missing), or ""
};

// Builds the registered model, draws it, writes `output` (atomically) and,
// when Graphviz is installed, the SVG next to it (output with .svg in place
// of .dot). A missing `dot` is a note in the result, not an error.
absl::StatusOr<DrawResult> Draw(const DrawOptions& options);

}  // namespace nas::tools

#endif  // TOOLS_DRAW_H_
