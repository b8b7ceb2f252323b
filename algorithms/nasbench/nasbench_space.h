// "nasbench_cell": the benchmark space every search here is judged on, in
// the manner of NAS-Bench-201 (Dong & Yang, ICLR 2020, arXiv 2001.00326),
// scaled so that every architecture can be trained on Fashion-MNIST on a
// 2-core CPU (see README.md for the table).
//
// The cell is a DAG of 3 nodes; node 0 is the cell's input, every later
// node sums one operation on each edge from an earlier node, the last node
// is the cell's output:
//
//   n0 ──e0_1──> n1
//   n0 ──e0_2──┐
//   n1 ──e1_2──┴─(+)──> n2 = output
//
// Each edge carries one of six operations (a LayerChoice keyed e<i>_<j>):
//
//   index  name           what (C channels in and out)
//   0      none           zeros: the edge is cut
//   1      skip_connect   identity
//   2      conv_1x1       ReLU - conv 1x1 - BN
//   3      conv_3x3       ReLU - conv 3x3 - BN
//   4      avg_pool_3x3   average pool 3x3, stride 1 (padding not counted)
//   5      max_pool_3x3   max pool 3x3, stride 1
//
// so the space has 6^3 = 216 cells, from a cut network (chance accuracy) to
// conv-only cells. Every cell of the network is the same cell (the keys are
// shared), as in NAS-Bench-201. The skeleton:
//
//   stem: conv 3x3 (C) - BN
//   stage 1: `cells` cells, C channels, 28x28
//   residual reduction (ResNet basic block, stride 2) to 2C
//   stage 2: `cells` cells, 2C, 14x14
//   residual reduction to 4C
//   stage 3: `cells` cells, 4C, 7x7
//   BN - ReLU - global average pool - linear
//
// | option      | default | meaning                                        |
// |-------------|---------|------------------------------------------------|
// | channels    | 8       | C, the first stage's width                     |
// | cells       | 1       | cells per stage                                |
// | affine      | true    | BN with learned scale and shift (supernets:    |
// |             |         | false, as NAS-Bench-201's)                     |
// | in_channels | 1       | image channels                                 |
// | image_size  | 28      | input height = width (a multiple of 4)         |
// | classes     | 10      | output logits                                  |
// | ops         | all six | the operations every edge chooses from, a      |
// |             |         | subset in index order (small tables for tests) |
//
// An architecture's canonical string is NAS-Bench-201's:
// `|conv_3x3~0|+|skip_connect~0|none~1|` (node 1's input from node 0, then
// node 2's inputs from nodes 0 and 1).
#ifndef ALGORITHMS_NASBENCH_NASBENCH_SPACE_H_
#define ALGORITHMS_NASBENCH_NASBENCH_SPACE_H_

#include <array>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/architecture.h"
#include "nas/core/space_registry.h"

namespace nas::nasbench {

inline constexpr char kNasbenchSpaceName[] = "nasbench_cell";

// The six operation names, in index order.
const std::vector<std::string>& NasbenchOpNames();

struct NasbenchSpaceOptions {
  int channels = 8;
  int cells = 1;
  bool affine = true;
  int in_channels = 1;
  int image_size = 28;
  int classes = 10;
  std::vector<std::string> ops = NasbenchOpNames();
};

absl::StatusOr<NasbenchSpaceOptions> NasbenchSpaceOptionsFromJson(const Json& j);
Json NasbenchSpaceOptionsToJson(const NasbenchSpaceOptions& options);

// The edge keys, in canonical order: e0_1, e0_2, e1_2.
const std::vector<std::string>& NasbenchEdgeKeys();

// One operation index per edge (canonical order).
using NasbenchCell = std::array<int, 3>;

// All cells of the space (216 with the default ops), in index order (e0_1
// slowest).
std::vector<NasbenchCell> AllNasbenchCells(const NasbenchSpaceOptions& options = {});

// The canonical string of a cell, and back (InvalidArgument naming the
// string for anything else).
std::string NasbenchCellString(const NasbenchCell& cell);
absl::StatusOr<NasbenchCell> NasbenchCellFromString(const std::string& text);

// A cell as an architecture file (names per key), and back. Integer values
// index the six operations of NasbenchOpNames(), whatever the space's ops.
Architecture NasbenchArchitecture(const NasbenchCell& cell);
absl::StatusOr<NasbenchCell> NasbenchCellOf(const Architecture& architecture);

// Cells that compute the same function share a key: with e1_2 = none, node
// 1 feeds nothing, so e0_1 does not matter. (216 cells, 186 functions.)
std::string NasbenchFunctionKey(const NasbenchCell& cell);

// The space and how to call it (registered as "nasbench_cell").
absl::StatusOr<BuiltSpace> MakeNasbenchSpace(const Json& options);

}  // namespace nas::nasbench

#endif  // ALGORITHMS_NASBENCH_NASBENCH_SPACE_H_
