// The classic DARTS genotype of an exported cell architecture, the share of
// parameter-free operations in it (the collapse signal), and a cell
// diagram.
//
//   Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ...],
//            normal_concat=range(2, 6),
//            reduce=[('max_pool_3x3', 0), ...], reduce_concat=range(2, 6))
//
// (op, input) pairs, two per intermediate node, in node order and, within a
// node, by input (the authors list a node's two edges strongest first; the
// cell is the same); inputs 0 and 1 are the cell's two inputs, k >= 2 is
// intermediate node k. The text is
// the one the DARTS authors' code prints and reads (genotypes.py).
//
// Collapse: DARTS is known to converge to cells of parameter-free
// operations (skip connections, pooling) when searched long; the share of
// such operations in the genotype is logged every epoch and a warning is
// printed above a threshold (DartsTrainerOptions::collapse_threshold).
#ifndef ALGORITHMS_DARTS_GENOTYPE_H_
#define ALGORITHMS_DARTS_GENOTYPE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nas/core/search_space.h"

namespace nas::darts {

struct CellGenotype {
  std::vector<std::pair<std::string, int64_t>> ops;  // (op, input), 2 per node
  // Share of parameter-free ops (pooling, skip) among ops.
  double parameter_free_share() const;
};

struct Genotype {
  CellGenotype normal;
  CellGenotype reduce;
  int64_t nodes = 4;

  // Over both cells.
  double parameter_free_share() const;
  // The authors' text form (see above).
  std::string to_string() const;
};

// The genotype of exported decisions (DartsMutator::sample_final(), or an
// architecture file resolved against the darts_cell space). InvalidArgument
// naming the key when an edge kept by a switch has no single op, or a node
// keeps other than two edges.
absl::StatusOr<Genotype> GenotypeOf(const Decisions& decisions, const SearchSpace& space);

// Graphviz source of both cells: inputs c_{k-2} and c_{k-1}, the nodes,
// edges labelled with their op, the concat into c_{k}.
std::string CellDiagramDot(const Genotype& genotype);

// Writes `<stem>.dot`, then `<stem>.svg` with Graphviz's `dot` when it is
// installed (sets *svg_written). Only the .dot failing is an error.
absl::Status WriteCellDiagram(const Genotype& genotype, const std::string& stem,
                              bool* svg_written = nullptr);

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_GENOTYPE_H_
