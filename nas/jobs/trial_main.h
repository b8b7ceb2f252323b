// The main of a trial program (the multi-trial protocol, nas/multi_trial/
// trial.h): the shared trial job (trial_job.h) with a package's defaults,
// behind the common job flags (job_main.h) plus the trial's own:
//
// | flag          | meaning                                                  |
// |---------------|----------------------------------------------------------|
// | --parameters  | NNI parameters of the architecture ($NAS_TRIAL_PARAMETERS) |
// | --result      | where the report goes ($NAS_TRIAL_RESULT; none: stdout)  |
// | --steps       | "steps"                                                  |
// | --evaluations | "evaluations"                                            |
// | --split_seed  | "split_seed": the dataset's split, fixed across a search |
//
// The trial's seed is the driver's ($NAS_TRIAL_SEED) unless --seed is given.
//
//   int main(int argc, char** argv) {
//     nas::TrialJobOptions defaults;
//     defaults.space = "enas_macro";
//     return nas::TrialProgramMain(argc, argv, "Trains one ENAS architecture briefly.", defaults);
//   }
#ifndef NAS_JOBS_TRIAL_MAIN_H_
#define NAS_JOBS_TRIAL_MAIN_H_

#include "nas/jobs/trial_job.h"

namespace nas {

int TrialProgramMain(int argc, char** argv, const char* usage, TrialJobOptions defaults);

}  // namespace nas

#endif  // NAS_JOBS_TRIAL_MAIN_H_
