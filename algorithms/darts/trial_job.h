// One trial of the DARTS evolution baseline (:trial): the cell of the
// trial's parameters (NNI format, from the tuner driver) in the config's
// small trial network, trained `trial.steps` steps on the search's
// weights half (EvalTrainer, no auxiliary head, no drop-path), scored on
// the architecture half: the data DARTS itself searches on, so the two
// searches are compared on equal terms.
//
// The edges a node's switch does not keep are blanked before the cell is
// fixed: a tuner proposes an op for every edge, only kept edges run.
#ifndef ALGORITHMS_DARTS_TRIAL_JOB_H_
#define ALGORITHMS_DARTS_TRIAL_JOB_H_

#include "absl/status/statusor.h"
#include "algorithms/darts/config.h"
#include "nas/core/architecture.h"
#include "nas/base/json.h"
#include "nas/core/search_space.h"
#include "nas/multi_trial/trial.h"

namespace nas::darts {

// Decisions with the edges no switch keeps selecting nothing.
Decisions KeepOnlySwitchedEdges(Decisions decisions, const SearchSpace& space);

absl::StatusOr<TrialReport> RunTrialJob(const DartsConfig& config, const Json& parameters, uint64_t seed);

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_TRIAL_JOB_H_
