#include "tools/draw.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include <torch/nn/module.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "nas/analysis/graphviz.h"
#include "nas/base/file.h"
#include "nas/base/status.h"
#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"
#include "nas/core/mutable_scope.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/space_registry.h"

namespace nas::tools {
namespace {

// Colours: choice headers, chosen rows and edges, greyed-out rest.
constexpr char kLayerHeader[] = "#dbe8f6";
constexpr char kInputHeader[] = "#fde9c9";
constexpr char kChosenFill[] = "#c7e9c0";
constexpr char kChosenEdge[] = "#238b45";
constexpr char kGrey[] = "#a0a0a0";
constexpr char kPlainEdge[] = "#555555";

// "torch::nn::SequentialImpl" -> "Sequential".
std::string ShortTypeName(const torch::nn::Module& m) {
  absl::string_view name = m.name();
  size_t colon = name.rfind("::");
  if (colon != absl::string_view::npos) name.remove_prefix(colon + 2);
  absl::ConsumeSuffix(&name, "Impl");
  return std::string(name);
}

std::string LastComponent(const std::string& path) {
  size_t dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

class DotWriter {
 public:
  DotWriter(const DrawGraphOptions& options, const Decisions* decisions)
      : options_(options), decisions_(decisions) {}

  absl::StatusOr<std::string> Draw(torch::nn::Module& model) {
    NAS_ASSIGN_OR_RETURN(MutableTree tree, WalkMutables(model));
    for (const auto& [path, m] : tree.mutables) ++key_uses_[m->key()];
    out_ = "digraph nas {\n";
    absl::StrAppend(&out_,
                    "  graph [rankdir=TB, compound=true, nodesep=0.3, ranksep=0.35, "
                    "fontname=\"Helvetica\", labelloc=t, fontsize=16",
                    options_.title.empty() ? "" : ", label=" + DotQuote(options_.title), "];\n");
    absl::StrAppend(&out_, "  node [fontname=\"Helvetica\", fontsize=11];\n");
    absl::StrAppend(&out_, "  edge [fontname=\"Helvetica\", fontsize=9, color=\"", kPlainEdge,
                    "\"];\n");
    Children(model, "", 1);
    // Definition order, top to bottom.
    for (size_t i = 1; i < order_.size(); ++i) {
      absl::StrAppend(&out_, "  ", DotQuote(order_[i - 1]), " -> ", DotQuote(order_[i]),
                      " [style=invis, weight=10];\n");
    }
    NAS_RETURN_IF_ERROR(InputEdges());
    out_ += "}\n";
    return out_;
  }

 private:
  // Number of choices (LayerChoice / InputChoice) in the subtree of `m`.
  static int CountChoices(torch::nn::Module& m) {
    int n = 0;
    for (const auto& item : m.modules(/*include_self=*/true)) {
      auto* mut = dynamic_cast<Mutable*>(item.get());
      if (mut != nullptr && mut->kind() != MutableKind::kScope) ++n;
    }
    return n;
  }

  static std::string ChildPath(const std::string& parent, const std::string& name) {
    return parent.empty() ? name : parent + "." + name;
  }

  void Children(torch::nn::Module& m, const std::string& path, int depth) {
    for (const auto& child : m.named_children()) {
      Visit(*child.value(), ChildPath(path, child.key()), depth, /*transparent=*/false);
    }
  }

  // One module: a choice box, a grey box, a cluster, or (a container of a
  // single choice, or a scope's body) just its children.
  void Visit(torch::nn::Module& m, const std::string& path, int depth, bool transparent) {
    std::string indent(2 * depth, ' ');
    auto* mut = dynamic_cast<Mutable*>(&m);
    if (mut != nullptr && mut->kind() != MutableKind::kScope) {
      Choice(*mut, path, indent);
      return;
    }
    int choices = CountChoices(m);
    if (choices == 0) {
      if (!options_.show_modules) return;
      absl::StrAppend(
          &out_, indent, DotQuote(path),
          " [shape=box, style=\"rounded,filled\", fillcolor=\"#eeeeee\", color=\"#bbbbbb\", "
          "fontcolor=\"#555555\", fontsize=10, label=<",
          DotHtmlEscape(LastComponent(path)), "<br/><font point-size=\"8\">",
          DotHtmlEscape(ShortTypeName(m)), "</font>>];\n");
      order_.push_back(path);
      return;
    }
    auto* scope = dynamic_cast<MutableScopeImpl*>(&m);
    bool cluster = scope != nullptr || (!transparent && choices >= 2);
    if (!cluster) {
      Children(m, path, depth);
      return;
    }
    std::string title = scope != nullptr ? scope->key() : path;
    std::string kind = scope != nullptr ? "MutableScope" : ShortTypeName(m);
    absl::StrAppend(&out_, indent, "subgraph ", DotQuote("cluster_" + path), " {\n");
    absl::StrAppend(&out_, indent,
                    "  graph [style=\"rounded,filled\", fillcolor=\"#f8f8f8\", color=\"#888888\", "
                    "fontsize=12, labeljust=l, label=<<b>",
                    DotHtmlEscape(title), "</b> <font point-size=\"9\">", DotHtmlEscape(kind),
                    scope != nullptr && scope->key() != path ? DotHtmlEscape(" at " + path) : "",
                    "</font>>];\n");
    size_t first = order_.size();
    if (scope != nullptr) {
      // The scope's body is the cell itself: no cluster of its own.
      for (const auto& child : m.named_children()) {
        Visit(*child.value(), ChildPath(path, child.key()), depth + 1, /*transparent=*/true);
      }
    } else {
      Children(m, path, depth + 1);
    }
    if (order_.size() == first) {  // nothing drawn inside: keep an anchor
      std::string anchor = path + ".(anchor)";
      absl::StrAppend(&out_, indent, "  ", DotQuote(anchor), " [shape=point, style=invis];\n");
      order_.push_back(anchor);
    }
    absl::StrAppend(&out_, indent, "}\n");
    if (scope != nullptr) scope_anchor_.emplace(scope->key(), std::make_pair(path, order_.back()));
  }

  // The applied weights of `key` (one per candidate), or nullopt without an
  // architecture.
  std::optional<std::vector<double>> Weights(const std::string& key) const {
    if (decisions_ == nullptr) return std::nullopt;
    auto it = decisions_->find(key);
    if (it == decisions_->end()) return std::nullopt;
    at::Tensor mask = it->second.to(at::kDouble).contiguous();
    std::vector<double> w(mask.data_ptr<double>(), mask.data_ptr<double>() + mask.numel());
    return w;
  }

  bool FloatDecision(const std::string& key) const {
    return decisions_ != nullptr && decisions_->count(key) &&
           at::isFloatingType(decisions_->at(key).scalar_type());
  }

  void Choice(Mutable& m, const std::string& path, const std::string& indent) {
    const std::string& key = m.key();
    std::vector<std::string> rows;
    std::string subtitle;
    const char* header = kLayerHeader;
    if (auto* layer = dynamic_cast<LayerChoiceImpl*>(&m)) {
      rows = layer->names();
      subtitle = absl::StrCat("LayerChoice",
                              rows.size() > 1 && layer->options().reduction() != Reduction::kSum
                                  ? absl::StrCat(" · ", ReductionName(layer->options().reduction()))
                                  : "");
    } else if (auto* input = dynamic_cast<InputChoiceImpl*>(&m)) {
      header = kInputHeader;
      const auto& from = input->choose_from();
      for (size_t i = 0; i < from.size(); ++i) {
        rows.push_back(from[i].empty() ? absl::StrCat("(input ", i, ")") : from[i]);
      }
      subtitle = absl::StrCat("InputChoice · choose ",
                              input->n_chosen() ? std::to_string(*input->n_chosen()) : "any", " · ",
                              ReductionName(input->options().reduction()));
      inputs_.push_back({path, input});
    }
    if (path != key) absl::StrAppend(&subtitle, "<br/>at ", DotHtmlEscape(path));
    if (key_uses_[key] > 1)
      absl::StrAppend(&subtitle, "<br/>key shared by ", key_uses_[key], " modules");
    std::optional<std::vector<double>> weights = Weights(key);
    bool floats = FloatDecision(key);
    std::string label = absl::StrCat(
        "<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\">"
        "<tr><td port=\"h\" bgcolor=\"",
        header, "\"><b>", DotHtmlEscape(key), "</b><br/><font point-size=\"8\">", subtitle,
        "</font></td></tr>");
    for (size_t i = 0; i < rows.size(); ++i) {
      std::string text = DotHtmlEscape(rows[i]);
      if (floats && weights && i < weights->size())
        absl::StrAppendFormat(&text, "  %.3g", (*weights)[i]);
      std::string cell = absl::StrCat("<td port=\"c", i, "\" align=\"left\"");
      if (weights && i < weights->size() && (*weights)[i] != 0) {
        absl::StrAppend(&label, "<tr>", cell, " bgcolor=\"", kChosenFill, "\"><b>", text,
                        "</b></td></tr>");
      } else if (weights) {
        absl::StrAppend(&label, "<tr>", cell, "><font color=\"", kGrey, "\">", text,
                        "</font></td></tr>");
      } else {
        absl::StrAppend(&label, "<tr>", cell, ">", text, "</td></tr>");
      }
    }
    if (weights && std::all_of(weights->begin(), weights->end(), [](double w) { return w == 0; })) {
      absl::StrAppend(&label, "<tr><td><i>(nothing selected)</i></td></tr>");
    }
    label += "</table>>";
    absl::StrAppend(&out_, indent, DotQuote(path), " [shape=plaintext, margin=0, label=", label,
                    "];\n");
    order_.push_back(path);
    choice_nodes_.insert(path);
    if (!key_node_.count(key)) key_node_[key] = path;
  }

  absl::Status InputEdges() {
    for (const auto& [path, input] : inputs_) {
      std::optional<std::vector<double>> weights = Weights(input->key());
      const auto& from = input->choose_from();
      for (size_t i = 0; i < from.size(); ++i) {
        if (from[i].empty()) continue;
        std::string source;
        std::string attrs;
        if (auto it = key_node_.find(from[i]); it != key_node_.end()) {
          source = it->second;
        } else if (auto s = scope_anchor_.find(from[i]); s != scope_anchor_.end()) {
          source = s->second.second;
          attrs = absl::StrCat("ltail=", DotQuote("cluster_" + s->second.first), ", ");
        } else {
          // WalkMutables checked the sources; a scope hidden by
          // show_modules cannot happen (scopes always draw).
          return absl::InternalError(
              absl::StrCat("InputChoice '", input->key(), "': no node for source '", from[i], "'"));
        }
        if (weights && i < weights->size() && (*weights)[i] != 0) {
          absl::StrAppend(&attrs, "color=\"", kChosenEdge, "\", penwidth=2.2");
        } else if (weights) {
          absl::StrAppend(&attrs, "color=\"", kGrey, "\", style=dashed");
        } else {
          absl::StrAppend(&attrs, "color=\"", kPlainEdge, "\"");
        }
        // Out of the source's right side into the row's right side: the
        // connections run as arcs beside the column of boxes. Sources that are
        // choice boxes leave from their title.
        std::string tail = DotQuote(source) + (choice_nodes_.count(source) ? ":\"h\":e" : ":e");
        absl::StrAppend(&out_, "  ", tail, " -> ", DotQuote(path), ":",
                        DotQuote(absl::StrCat("c", i)), ":e [", attrs, ", constraint=false];\n");
      }
    }
    return absl::OkStatus();
  }

  const DrawGraphOptions& options_;
  const Decisions* decisions_;
  std::string out_;
  std::vector<std::string> order_;               // drawn node ids, definition order
  std::set<std::string> choice_nodes_;           // ids of choice boxes (they have ports)
  std::map<std::string, int> key_uses_;          // key -> mutables using it
  std::map<std::string, std::string> key_node_;  // choice key -> first node
  std::map<std::string, std::pair<std::string, std::string>> scope_anchor_;  // key -> (path, node)
  std::vector<std::pair<std::string, InputChoiceImpl*>> inputs_;
};

}  // namespace

absl::StatusOr<std::string> DrawModel(torch::nn::Module& model, const DrawGraphOptions& options) {
  std::string dot;
  NAS_RETURN_IF_ERROR(CatchExceptions([&]() -> absl::Status {
    std::optional<Decisions> decisions;
    if (options.architecture != nullptr) {
      NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(model));
      NAS_ASSIGN_OR_RETURN(decisions, options.architecture->resolve(space));
    }
    DotWriter writer(options, decisions ? &*decisions : nullptr);
    NAS_ASSIGN_OR_RETURN(dot, writer.Draw(model));
    return absl::OkStatus();
  }));
  return dot;
}

absl::StatusOr<DrawResult> Draw(const DrawOptions& options) {
  if (options.space.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--space is required; registered: ",
                                                   absl::StrJoin(SpaceRegistry().Names(), ", ")));
  }
  if (options.output.empty())
    return absl::InvalidArgumentError("--output is required (a .dot path)");
  NAS_ASSIGN_OR_RETURN(SpaceFactory factory, SpaceRegistry().Lookup(options.space));
  NAS_ASSIGN_OR_RETURN(BuiltSpace built, factory(options.space_options));
  DrawGraphOptions graph;
  graph.show_modules = options.show_modules;
  graph.title = options.space;
  std::optional<Architecture> arch;
  if (!options.architecture.empty()) {
    NAS_ASSIGN_OR_RETURN(arch, ReadArchitecture(options.architecture));
    graph.architecture = &*arch;
    std::string file = options.architecture.substr(options.architecture.rfind('/') + 1);
    graph.title = absl::StrCat(options.space, ": ", file);
  }
  absl::StatusOr<std::string> dot = DrawModel(*built.model, graph);
  if (!dot.ok() && arch) return Annotate(dot.status(), options.architecture);
  NAS_RETURN_IF_ERROR(dot.status());
  DrawResult result;
  result.dot_path = options.output;
  NAS_RETURN_IF_ERROR(WriteFileAtomically(options.output, *dot));
  if (!options.render_svg) return result;
  std::string svg = options.output;
  if (absl::EndsWith(svg, ".dot") || absl::EndsWith(svg, ".gv"))
    svg = svg.substr(0, svg.rfind('.'));
  svg += ".svg";
  absl::Status rendered = RenderDot(options.output, svg, "svg");
  if (absl::IsNotFound(rendered)) {
    result.note = std::string(rendered.message());
    return result;
  }
  NAS_RETURN_IF_ERROR(rendered);
  result.svg_path = svg;
  return result;
}

}  // namespace nas::tools
