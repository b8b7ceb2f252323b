// One trial of the DARTS evolution baseline (:trial): the cell of the
// trial's parameters (NNI format, from the tuner driver) in the config's
// small trial network, trained `trial.steps` steps on the search's weights
// part, data.train (EvalTrainer, no auxiliary head, no drop-path), scored on
// its architecture part, data.valid (nas/jobs/data.h, split by the config's
// seed): the data DARTS itself searches on, so the two searches are compared
// on equal terms. Unlike the shared trial job (nas/jobs/trial_job.h) it
// blanks unkept edges and reports the genotype.
//
// The report: {"final": accuracy after the last step, "intermediate":
// [the same], "metrics": {"parameters", "genotype", "param_free_share",
// "seconds"}}.
//
// The edges a node's switch does not keep are blanked before the cell is
// fixed: a tuner proposes an op for every edge, only kept edges run.
#ifndef ALGORITHMS_DARTS_TRIAL_JOB_H_
#define ALGORITHMS_DARTS_TRIAL_JOB_H_

#include "absl/status/statusor.h"
#include "algorithms/darts/config.h"
#include "nas/base/json.h"
#include "nas/core/architecture.h"
#include "nas/core/search_space.h"
#include "nas/multi_trial/trial.h"

namespace nas::darts {

// Decisions with the edges no switch keeps selecting nothing.
Decisions KeepOnlySwitchedEdges(Decisions decisions, const SearchSpace& space);

// `seed`: the weights' initialisation and the batch order (the trial's
// seed); the data split is the config's seed.
absl::StatusOr<TrialReport> RunTrialJob(const DartsConfig& config, const Json& parameters,
                                        uint64_t seed);

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_TRIAL_JOB_H_
