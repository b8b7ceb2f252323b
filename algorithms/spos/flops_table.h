// The FLOPs (and parameter) lookup table of the SPOS ShuffleNetV2 space: the
// multiply-accumulates of every candidate of every choice block at its input
// resolution, plus the fixed stem and head, counted as the SPOS authors
// count (convs and FC only, batch 1; nas/analysis/flops.h). An architecture's FLOPs
// are then a sum of table entries, cheap enough for the FLOPs-constrained
// path sampling and evolution of SPOS (thousands of look-ups per step).
//
//   macs(choices) = fixed_macs() + sum_b block_macs(b, choices[b])
//
// Each entry is measured, not derived: Build() instantiates every candidate
// block alone at its input shape and runs nas::CountCost on it, so the
// table stays exact for any geometry the options allow (the tests check it
// against counting the whole fixed network). Parameters work the same way
// (BN parameters included when options.affine).
//
// Example:
//   NAS_ASSIGN_OR_RETURN(auto table, nas::spos::FlopsTable::Build(options));
//   int64_t macs = table.macs({0, 0, 3, 1, 1, 1, 0, 0, 2, 0, 2, 1, 1, 0, 2, 0, 2, 1, 3, 2});
//   NAS_ASSIGN_OR_RETURN(int64_t m, table.macs_of(*nas::ReadArchitecture("arch.json")));
//
// Paper space (224x224, 1000 classes, flops_table_test.cc): 38.56M fixed,
// 270.36M-398.61M over the space (all-k3 295.84M, all-Xception 358.83M; the
// authors' searched block choice 318.73M). The smallest path is not all-k3:
// on the four stride-2 blocks Xception is cheaper (its first depthwise conv
// strides before any pointwise conv).
#ifndef ALGORITHMS_SPOS_FLOPS_TABLE_H_
#define ALGORITHMS_SPOS_FLOPS_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "algorithms/spos/shufflenet_space.h"
#include "nas/base/json.h"
#include "nas/core/architecture.h"
#include "nas/core/search_space.h"

namespace nas::spos {

class FlopsTable {
 public:
  // Measures every entry (paper space: well under a second). Leaves the
  // global torch RNG as it found it. InvalidArgument on invalid options.
  static absl::StatusOr<FlopsTable> Build(const ShuffleNetSpaceOptions& options);

  const ShuffleNetSpaceOptions& options() const { return options_; }
  const std::vector<BlockGeometry>& blocks() const { return blocks_; }
  int num_blocks() const { return static_cast<int>(blocks_.size()); }
  int num_candidates() const { return kNumShuffleNetCandidates; }

  // The stem and the head (everything outside the choice blocks).
  int64_t fixed_macs() const { return fixed_macs_; }
  int64_t fixed_parameters() const { return fixed_parameters_; }
  // Candidate `candidate` of block `block` (0-based); TORCH_CHECKs the range.
  int64_t block_macs(int block, int candidate) const;
  int64_t block_parameters(int block, int candidate) const;

  // One candidate index per block. TORCH_CHECKs the length and the range
  // (a programmer error; use choices() to convert user input).
  int64_t macs(const std::vector<int>& choices) const;
  int64_t parameters(const std::vector<int>& choices) const;

  // The choice indices of an architecture (validated strictly against the
  // space, as nas::Architecture::resolve does) or of decisions; each block
  // must select exactly one candidate by a bool mask. InvalidArgument
  // naming the key otherwise.
  absl::StatusOr<std::vector<int>> choices(const Architecture& arch) const;
  absl::StatusOr<std::vector<int>> choices(const Decisions& decisions) const;
  absl::StatusOr<int64_t> macs_of(const Architecture& arch) const;
  absl::StatusOr<int64_t> parameters_of(const Architecture& arch) const;

  // Extremes over the whole space (each block independently).
  int64_t min_macs() const { return macs(min_macs_choices()); }
  int64_t max_macs() const { return macs(max_macs_choices()); }
  std::vector<int> min_macs_choices() const;
  std::vector<int> max_macs_choices() const;

  // The search space the table indexes (keys LayerChoice1..N).
  const SearchSpace& space() const { return space_; }

  // {"options": ..., "candidates": [names], "fixed": {"macs", "parameters"},
  //  "blocks": [{"key", "stage", "in_channels", "out_channels", "mid_channels",
  //              "stride", "input_size", "macs": [4], "parameters": [4]}],
  //  "min_macs", "max_macs"}
  Json to_json() const;

 private:
  FlopsTable() = default;

  ShuffleNetSpaceOptions options_;
  std::vector<BlockGeometry> blocks_;
  SearchSpace space_;
  int64_t fixed_macs_ = 0;
  int64_t fixed_parameters_ = 0;
  std::vector<std::vector<int64_t>> macs_;        // [block][candidate]
  std::vector<std::vector<int64_t>> parameters_;  // [block][candidate]
};

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_FLOPS_TABLE_H_
