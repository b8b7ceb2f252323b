// The first host of a Slurm hostlist expression, the form Slurm writes its
// node lists in (SLURM_STEP_NODELIST, SLURM_JOB_NODELIST):
//
//   FirstSlurmHost("node[07-10,12],gpu3")   -> "node07"
//   FirstSlurmHost("rack[1-2]-n[001-004]")  -> "rack1-n001"
//   FirstSlurmHost("login")                 -> "login"
//
// Under srun, task 0 runs on the step's first node, so this is where rank
// 0's store listens when a job spans several nodes and MASTER_ADDR is not
// set (DistributedEnvFromEnvironment).
#ifndef NAS_TRAIN_SLURM_HOSTLIST_H_
#define NAS_TRAIN_SLURM_HOSTLIST_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nas {

// An error naming the expression when it is empty or its brackets are
// unbalanced, nested or empty.
absl::StatusOr<std::string> FirstSlurmHost(absl::string_view hostlist);

}  // namespace nas

#endif  // NAS_TRAIN_SLURM_HOSTLIST_H_
