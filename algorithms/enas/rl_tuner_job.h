// The multi-trial ENAS search (:rl_tuner): the policy-gradient tuner ("rl",
// nas/tuners/policy_gradient_tuner.h) proposes architectures of an ENAS space, each
// trained briefly by a trial process (:trial by default), in parallel or
// through a cluster launcher; the history is resumable (nas/multi_trial/tuner_driver.h).
// The multi-trial counterpart of :search on the same space.
//
//   tools/bazel run //algorithms/enas:rl_tuner -- --max_trials=40 --parallel=2 --output_dir=enas/rl
//
// The search space is generated from the registered model (no file to
// write first); output_dir holds search_space.json, history.jsonl,
// best_architecture.json, summary.json and trials/.
#ifndef ALGORITHMS_ENAS_RL_TUNER_JOB_H_
#define ALGORITHMS_ENAS_RL_TUNER_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/multi_trial/process_evaluator.h"
#include "nas/multi_trial/tuner_driver.h"

namespace nas::enas {

struct RlTunerOptions {
  std::string space = "enas_macro";
  Json space_options = {{"preset", "fashion_mnist"}};
  std::string tuner = "rl";  // a TunerRegistry() name
  Json tuner_options = Json::object();
  // "" = `trial_binary` with --space / --space_options and `trial_args`.
  std::string trial_command;
  std::string trial_binary;        // set by the main: :trial next to it
  std::string trial_args;          // appended to the default command
  ProcessEvaluatorOptions trials;  // launcher, timeout
  TunerDriverOptions driver;       // output_dir, budget, parallel, resume, seed
};

// The trial command line the options give.
std::string TrialCommand(const RlTunerOptions& options);

absl::StatusOr<SearchSummary> RunRlTuner(RlTunerOptions options);

}  // namespace nas::enas

#endif  // ALGORITHMS_ENAS_RL_TUNER_JOB_H_
