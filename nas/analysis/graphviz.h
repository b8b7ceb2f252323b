// Small helpers for writing Graphviz DOT files and rendering them with the
// `dot` program when it is installed. Graphviz is not a project dependency:
// callers always write the .dot file and treat a missing `dot` as a note,
// not an error.
//
//   std::string dot = "digraph g {\n  " + nas::DotQuote("a \"b\"") + ";\n}\n";
//   NAS_RETURN_IF_ERROR(nas::WriteFileAtomically("g.dot", dot));
//   absl::Status svg = nas::RenderDot("g.dot", "g.svg");
//   if (absl::IsNotFound(svg)) { /* no graphviz: keep the .dot */ }
#ifndef NAS_ANALYSIS_GRAPHVIZ_H_
#define NAS_ANALYSIS_GRAPHVIZ_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nas {

// A DOT double-quoted string (an ID or a plain label): "..." with `"` and
// `\` escaped and newlines written as \n.
std::string DotQuote(absl::string_view s);

// Text for Graphviz HTML-like labels (<...>): & < > " escaped.
std::string DotHtmlEscape(absl::string_view s);

// The full path of an executable `name` found on $PATH; NotFound otherwise.
absl::StatusOr<std::string> FindOnPath(absl::string_view name);

// Runs `dot -T<format>` on `dot_path`, writing `out_path` (through a
// temporary file, renamed when dot succeeds). NotFound when `dot` is not on
// $PATH; Internal with dot's own message when it fails.
absl::Status RenderDot(const std::string& dot_path, const std::string& out_path,
                       const std::string& format = "svg");

}  // namespace nas

#endif  // NAS_ANALYSIS_GRAPHVIZ_H_
