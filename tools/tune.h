// //tools:tune: multi-trial search over any search-space JSON with any
// registered tuner, each candidate scored by the user's trial program (in
// any language), locally or through a cluster launcher.
//
//   tools/bazel run //tools:tune -- --search_space=space.json --tuner=evolution (...)
//       (...) --trial_command="python3 $PWD/trial.py" --parallel=4 --max_trials=200 (...)
//       (...) --output_dir=runs/evo
//
// See nas/multi_trial/process_evaluator.h for what a trial receives and must write and
// nas/multi_trial/tuner_driver.h for the files in output_dir.
#ifndef TOOLS_TUNE_H_
#define TOOLS_TUNE_H_

#include <string>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/multi_trial/process_evaluator.h"
#include "nas/multi_trial/tuner_driver.h"

namespace nas::tools {

struct TuneOptions {
  std::string search_space;         // path of the search-space JSON
  std::string tuner = "evolution";  // a TunerRegistry() name
  Json tuner_options = Json::object();
  ProcessEvaluatorOptions trials;  // command, launcher, timeout
  TunerDriverOptions driver;       // output_dir, budget, parallel, resume, seed
};

absl::StatusOr<SearchSummary> RunTune(TuneOptions options);

}  // namespace nas::tools

#endif  // TOOLS_TUNE_H_
