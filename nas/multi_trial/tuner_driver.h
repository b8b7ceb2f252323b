// The tuner driver: runs any Tuner against any Evaluator with a budget and
// up to `parallel` trials at once, recording everything in a JSON-lines
// history it can resume from.
//
//   nas::TunerDriverOptions options;
//   options.output_dir = "runs/evo";
//   options.max_trials = 200;
//   options.parallel = 4;
//   NAS_ASSIGN_OR_RETURN(nas::SearchSummary summary,
//                        nas::RunSearch(options, space, config, tuner.get(), &evaluator));
//
// output_dir/history.jsonl, one JSON object per line, in the order the
// events happened:
//   {"event": "search", "config": {...}, "search_space": {...}, ...}
//   {"event": "proposed", "trial": 0, "parameters": {...}, "time": ..., "elapsed_s": ...}
//   {"event": "finished", "trial": 0, "status": "succeeded" | "failed" | "timeout",
//    "value": 0.91, "intermediate": [...], "metrics": {...}, "message": "",
//    "start_time": ..., "end_time": ..., "duration_s": ..., "elapsed_s": ...}
//   {"event": "finished", "trial": 4, "status": "failed", ..., "interrupted": true}
//   {"event": "resumed", "rerun": [4, 5, 6], "time": ...}
// ("time", "start_time", "end_time": Unix seconds; "elapsed_s": search time
// across all runs; "interrupted" is only present, and true, on a failed
// trial that was killed from outside: TrialOutcome::interrupted.)
// output_dir/best_architecture.json is the best trial's architecture (a
// plain architecture file), rewritten whenever the best improves;
// output_dir/summary.json is written at the end.
//
// Resume (options.resume): the search must have the same `config` and
// search space. The history is replayed into a fresh tuner (same seed):
// proposals are regenerated and results fed back in the recorded order, so
// the tuner ends in the state it was in; finished trials are never rerun;
// trials that were running when the search stopped, and trials killed from
// outside (scancel, kill, a preempted node: "interrupted"), are rerun
// first, with the recorded parameters. With deterministic trials and
// parallel = 1 a search killed and resumed writes the same proposals and
// results as an uninterrupted one.
//
// An interrupted trial is failed for the run that saw it (its summary, the
// consecutive failures) but never reported to the tuner, for which it stays
// outstanding: the replay skips its "finished" line, and the rerun's result
// is what the tuner learns (so the trial has a second "finished" line). A
// tuner that waits for it (Unavailable) while nothing else runs ends the
// run with FailedPrecondition naming it: resume the search then.
//
// Stops proposing when max_trials have been proposed, max_duration has
// passed, budget_spent() says so, or the tuner has nothing left
// (OutOfRange); running trials are always finished and recorded.
// max_consecutive_failures failed trials in a row (a broken trial command,
// usually) end the search with an error.
#ifndef NAS_MULTI_TRIAL_TUNER_DRIVER_H_
#define NAS_MULTI_TRIAL_TUNER_DRIVER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/search_space.h"
#include "nas/multi_trial/evaluator.h"
#include "nas/multi_trial/tuner.h"

namespace nas {

struct TunerDriverOptions {
  std::string output_dir;           // required
  int64_t max_trials = 100;         // proposals in the whole search
  double max_duration_seconds = 0;  // 0: no limit
  int parallel = 1;
  int max_consecutive_failures = 10;  // 0: never give up
  bool resume = false;
  uint64_t seed = 0;  // the trials' seeds derive from it
  // Asked before every proposal: true ends the search as max_trials does
  // (e.g. a simulated time budget charged by a table-backed evaluator).
  std::function<bool()> budget_spent;
};

absl::Status ValidateTunerDriverOptions(const TunerDriverOptions& options);

struct SearchSummary {
  int64_t proposed = 0;
  int64_t succeeded = 0;
  int64_t failed = 0;       // including timeouts
  int64_t interrupted = 0;  // of failed, killed from outside: a resume reruns them
  int64_t best_trial = -1;  // -1: no trial succeeded
  double best_value = 0;
  Json best_parameters;  // null when best_trial == -1
  double elapsed_seconds = 0;
  bool tuner_exhausted = false;
};

Json SearchSummaryToJson(const SearchSummary& summary);

// Called on the driver's thread after each finished trial is recorded,
// with its "finished" history line and the summary so far.
using TrialObserver = std::function<void(const Json& finished, const SearchSummary& summary)>;

// `config` identifies the search (tuner name, options, seed, evaluator...):
// it is written in the history's first line and a resume must match it.
absl::StatusOr<SearchSummary> RunSearch(const TunerDriverOptions& options, const SearchSpace& space,
                                        const Json& config, Tuner* tuner, Evaluator* evaluator,
                                        const TrialObserver& observer = nullptr);

// The history of output_dir, for tools and tests; its records in order.
absl::StatusOr<std::vector<Json>> ReadSearchHistory(const std::string& output_dir);

}  // namespace nas

#endif  // NAS_MULTI_TRIAL_TUNER_DRIVER_H_
