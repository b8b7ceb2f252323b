// FLOPs and parameters of SPOS paths and architectures from the FLOPs table,
// in the forms the pipeline needs: mutator decisions (FLOPs-bin sampling),
// tuner parameters (the evolution's FLOPs limit) and architectures.
#ifndef ALGORITHMS_SPOS_PATH_COST_H_
#define ALGORITHMS_SPOS_PATH_COST_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "algorithms/spos/flops_table.h"
#include "algorithms/spos/spos_mutator.h"
#include "nas/base/json.h"
#include "nas/core/architecture.h"

namespace nas::spos {

// The candidate index of every block (LayerChoice1..N), from bool masks.
std::vector<int> ChoicesFromDecisions(const Decisions& decisions, int blocks);
// From NNI {_value, _idx} parameters.
absl::StatusOr<std::vector<int>> ChoicesFromParameters(const Json& parameters, int blocks);
// From an architecture (names, indices or one-hot lists).
absl::StatusOr<std::vector<int>> ChoicesFromArchitecture(const Architecture& arch,
                                                         const ShuffleNetSpaceOptions& space);

// A PathCost (MACs) for SposMutator's FLOPs-bin sampling.
PathCost MacsOfPath(std::shared_ptr<const FlopsTable> table, int blocks);

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_PATH_COST_H_
