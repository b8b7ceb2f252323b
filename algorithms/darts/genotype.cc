#include "algorithms/darts/genotype.h"

#include <spawn.h>
#include <sys/wait.h>

#include <ATen/ATen.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "algorithms/darts/darts_ops.h"
#include "algorithms/darts/darts_space.h"
#include "nas/base/file.h"
#include "nas/base/status.h"

extern char** environ;

namespace nas::darts {

namespace {

double Share(const std::vector<std::pair<std::string, int64_t>>& ops) {
  if (ops.empty()) return 0;
  int64_t free = 0;
  for (const auto& op : ops) free += IsParameterFree(op.first) ? 1 : 0;
  return static_cast<double>(free) / static_cast<double>(ops.size());
}

std::vector<int64_t> Selected(const at::Tensor& mask) {
  at::Tensor m = mask.cpu();
  if (m.scalar_type() != at::kBool) m = m != 0;
  std::vector<int64_t> on;
  for (int64_t i = 0; i < m.numel(); ++i) {
    if (m[i].item<bool>()) on.push_back(i);
  }
  return on;
}

absl::StatusOr<CellGenotype> CellOf(const std::string& type, int64_t nodes,
                                    const Decisions& decisions, const SearchSpace& space) {
  CellGenotype cell;
  for (int64_t node = 2; node < nodes + 2; ++node) {
    const std::string switch_key = SwitchKey(type, node);
    auto it = decisions.find(switch_key);
    if (it == decisions.end())
      return absl::InvalidArgumentError(absl::StrCat("no decision for '", switch_key, "'"));
    std::vector<int64_t> inputs = Selected(it->second);
    if (inputs.size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat("'", switch_key, "' keeps ", inputs.size(),
                                                     " inputs; a DARTS genotype keeps 2"));
    }
    for (int64_t input : inputs) {
      const std::string edge_key = EdgeKey(type, node, input);
      auto edge = decisions.find(edge_key);
      const ChoiceSpec* spec = space.find(edge_key);
      if (edge == decisions.end() || spec == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat("no decision for '", edge_key, "'"));
      }
      std::vector<int64_t> ops = Selected(edge->second);
      if (ops.size() != 1) {
        return absl::InvalidArgumentError(absl::StrCat("edge '", edge_key, "' is kept by '",
                                                       switch_key, "' but selects ", ops.size(),
                                                       " operations; a genotype needs exactly 1"));
      }
      cell.ops.emplace_back(spec->candidates[ops[0]], input);
    }
  }
  return cell;
}

std::string CellText(const CellGenotype& cell) {
  std::vector<std::string> ops;
  for (const auto& [op, input] : cell.ops) ops.push_back(absl::StrCat("('", op, "', ", input, ")"));
  return absl::StrCat("[", absl::StrJoin(ops, ", "), "]");
}

void AppendCluster(const std::string& type, const CellGenotype& cell, int64_t nodes,
                   std::string* dot) {
  const std::string p = type + "_";
  absl::StrAppend(dot, "  subgraph cluster_", type, " {\n    label=\"", type,
                  " cell\";\n    fontname=\"Helvetica\";\n");
  absl::StrAppend(dot, "    ", p,
                  "in0 [label=\"c_{k-2}\", shape=box, style=filled, fillcolor=darkseagreen2];\n");
  absl::StrAppend(dot, "    ", p,
                  "in1 [label=\"c_{k-1}\", shape=box, style=filled, fillcolor=darkseagreen2];\n");
  for (int64_t n = 0; n < nodes; ++n) {
    absl::StrAppend(dot, "    ", p, "n", n + 2, " [label=\"", n,
                    "\", shape=box, style=filled, fillcolor=lightblue];\n");
  }
  absl::StrAppend(dot, "    ", p,
                  "out [label=\"c_{k}\", shape=box, style=filled, fillcolor=palegoldenrod];\n");
  for (size_t i = 0; i < cell.ops.size(); ++i) {
    const int64_t node = static_cast<int64_t>(i / 2) + 2;
    const auto& [op, input] = cell.ops[i];
    const std::string from = input < 2 ? absl::StrCat(p, "in", input) : absl::StrCat(p, "n", input);
    absl::StrAppend(dot, "    ", from, " -> ", p, "n", node, " [label=\"", op,
                    "\", fillcolor=gray];\n");
  }
  for (int64_t n = 0; n < nodes; ++n)
    absl::StrAppend(dot, "    ", p, "n", n + 2, " -> ", p, "out [fillcolor=gray];\n");
  absl::StrAppend(dot, "  }\n");
}

}  // namespace

double CellGenotype::parameter_free_share() const { return Share(ops); }

double Genotype::parameter_free_share() const {
  std::vector<std::pair<std::string, int64_t>> all = normal.ops;
  all.insert(all.end(), reduce.ops.begin(), reduce.ops.end());
  return Share(all);
}

std::string Genotype::to_string() const {
  return absl::StrCat("Genotype(normal=", CellText(normal), ", normal_concat=range(2, ", nodes + 2,
                      "), reduce=", CellText(reduce), ", reduce_concat=range(2, ", nodes + 2, "))");
}

absl::StatusOr<Genotype> GenotypeOf(const Decisions& decisions, const SearchSpace& space) {
  // The number of nodes: switches of a cell type present in the space (a
  // network of one or two cells may have only reduction cells).
  Genotype genotype;
  auto nodes_of = [&](const std::string& type) {
    int64_t n = 0;
    while (space.find(SwitchKey(type, n + 2)) != nullptr) ++n;
    return n;
  };
  const int64_t normal = nodes_of(kNormal), reduce = nodes_of(kReduce);
  genotype.nodes = std::max(normal, reduce);
  if (genotype.nodes == 0) {
    return absl::InvalidArgumentError(absl::StrCat("not a DARTS cell space: no '",
                                                   SwitchKey(kNormal, 2), "' or '",
                                                   SwitchKey(kReduce, 2), "' choice"));
  }
  if (normal > 0) {
    NAS_ASSIGN_OR_RETURN(genotype.normal, CellOf(kNormal, normal, decisions, space));
  }
  if (reduce > 0) {
    NAS_ASSIGN_OR_RETURN(genotype.reduce, CellOf(kReduce, reduce, decisions, space));
  }
  return genotype;
}

std::string CellDiagramDot(const Genotype& genotype) {
  std::string dot =
      "digraph darts_cells {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=12];\n"
      "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  AppendCluster(kNormal, genotype.normal, genotype.nodes, &dot);
  AppendCluster(kReduce, genotype.reduce, genotype.nodes, &dot);
  absl::StrAppend(&dot, "}\n");
  return dot;
}

absl::Status WriteCellDiagram(const Genotype& genotype, const std::string& stem,
                              bool* svg_written) {
  if (svg_written != nullptr) *svg_written = false;
  const std::string dot_path = stem + ".dot";
  const std::string svg_path = stem + ".svg";
  NAS_RETURN_IF_ERROR(WriteFileAtomically(dot_path, CellDiagramDot(genotype)));
  // Graphviz is optional: render when `dot` is on PATH.
  std::string out_flag = "-o" + svg_path;
  char* argv[] = {const_cast<char*>("dot"), const_cast<char*>("-Tsvg"),
                  const_cast<char*>(dot_path.c_str()), const_cast<char*>(out_flag.c_str()),
                  nullptr};
  pid_t pid = 0;
  if (posix_spawnp(&pid, "dot", nullptr, nullptr, argv, environ) != 0) return absl::OkStatus();
  int status = 0;
  if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
      svg_written != nullptr) {
    *svg_written = true;
  }
  return absl::OkStatus();
}

}  // namespace nas::darts
