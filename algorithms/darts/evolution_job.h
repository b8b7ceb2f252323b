// The evolutionary baseline of DARTS (:evolution): regularized (aging)
// evolution (Real et al., 2019; "AmoebaNet-style", the baseline of the
// DARTS paper's Table 1) over the same darts_cell space, on the tuner
// driver: each candidate cell is a :trial process (trial.h), `parallel` at
// a time, resumable. Writes into output_dir: config.json (what every trial
// reads), history.jsonl, trials/, best_architecture.json, summary.json, and
// best_genotype.txt. For a same-budget comparison with :search, set
// evolution.max_duration to the search's seconds (its result.json).
#ifndef ALGORITHMS_DARTS_EVOLUTION_JOB_H_
#define ALGORITHMS_DARTS_EVOLUTION_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "algorithms/darts/config.h"
#include "nas/multi_trial/tuner_driver.h"

namespace nas::darts {

// `trial_command`: the trial program's command line ("" = the :trial binary
// next to the running one), given --config=<output_dir>/config.json.
absl::StatusOr<SearchSummary> RunEvolutionJob(const DartsConfig& config,
                                              const std::string& output_dir, bool resume,
                                              const std::string& trial_command);

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_EVOLUTION_JOB_H_
