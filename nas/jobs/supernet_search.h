// The second phase of a one-shot search: a registered tuner proposes
// architectures, the trained supernet scores them (SupernetEvaluator: BN
// statistics re-estimated on training batches, accuracy on held-out ones),
// and the tuner driver keeps a resumable history (nas/multi_trial/
// tuner_driver.h): output_dir/history.jsonl, best_architecture.json,
// summary.json.
//
//   {"tuner": "random", "tuner_options": {}, "max_trials": 20,
//    "evaluation": {"recalibration_batches": 20, "eval_batches": 10}}
//
// The search identity written in the history (and checked on --resume) is
// the tuner, its options, the evaluation and the seed.
#ifndef NAS_JOBS_SUPERNET_SEARCH_H_
#define NAS_JOBS_SUPERNET_SEARCH_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/architecture.h"
#include "nas/core/mutator.h"
#include "nas/core/space_registry.h"
#include "nas/multi_trial/tuner_driver.h"
#include "nas/train/batch_source.h"
#include "nas/train/supernet_evaluator.h"

namespace nas {

struct SupernetSearchOptions {
  std::string tuner = "random";
  Json tuner_options = Json::object();
  int64_t max_trials = 20;
  SupernetEvaluationOptions evaluation;
};

// Members present in `j` over `*out` (strict, validated; the tuner's name
// is checked against the registry when the search runs).
absl::Status SupernetSearchOptionsFromJson(const Json& j, const std::string& path,
                                           SupernetSearchOptions* out);
Json SupernetSearchOptionsToJson(const SupernetSearchOptions& options);

// Looks the tuner up and builds it once, so that a bad name or bad options
// fail before a supernet is trained.
absl::Status CheckSupernetSearchTuner(const SupernetSearchOptions& options);

// Runs the search on `supernet` (trained; `mutator` bound to its model) and
// returns its summary. NotFound for an unknown tuner, the tuner's own
// InvalidArgument for bad options (before any scoring), FailedPrecondition
// for a resume whose search differs.
// The same search over `space` with any scorer (several supernets, as a
// few-shot search has; `score` is called from one thread at a time).
using CandidateScorer = std::function<absl::StatusOr<CandidateScore>(const Architecture&)>;
absl::StatusOr<SearchSummary> SearchWithScorer(const SupernetSearchOptions& options,
                                               const SearchSpace& space,
                                               const CandidateScorer& score,
                                               const std::string& output_dir, bool resume,
                                               uint64_t seed);

absl::StatusOr<SearchSummary> SearchOnSupernet(const SupernetSearchOptions& options,
                                               const BuiltSpace& supernet, Mutator& mutator,
                                               BatchSource* recalibration, BatchSource* held_out,
                                               const std::string& output_dir, bool resume,
                                               uint64_t seed);

}  // namespace nas

#endif  // NAS_JOBS_SUPERNET_SEARCH_H_
