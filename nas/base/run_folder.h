// One run per output folder. Every binary that writes an output folder
// claims it before writing anything (JobMain does it for every job binary;
// the tuner drivers call it themselves):
//
//   * a lock: flock(2) on <dir>/.lock, held for the life of the process and
//     released by the kernel however it ends (kill -9 included). A second
//     process claiming the folder is refused with a message that names the
//     holder (pid, host, start time, command line);
//   * a new run needs an empty folder (nothing is ever overwritten or
//     appended to); --resume needs a run there (<dir>/run.json) whose
//     configuration equals the one given, member for member, except the
//     members the binary declares harmless (a data folder, a worker count,
//     the step budget, a search's trial budget);
//   * run.json records the resolved configuration and, once the job has
//     returned OK, that the run finished: resuming a finished run does
//     nothing (its results stay as they are).
//
// Only the main process of a distributed job (RANK / SLURM_PROCID /
// OMPI_COMM_WORLD_RANK unset or 0) claims; the other ranks get a claim that
// checks and locks nothing.
//
//   NAS_ASSIGN_OR_RETURN(std::unique_ptr<RunFolder> folder,
//                        RunFolder::Claim(dir, resume, config_json));
//   if (folder->finished()) return absl::OkStatus();  // nothing to resume
//   return folder->Close(Run(...));
#ifndef NAS_BASE_RUN_FOLDER_H_
#define NAS_BASE_RUN_FOLDER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nas/base/json.h"

namespace nas {

class RunFolder {
 public:
  static constexpr const char* kLockFile = ".lock";
  static constexpr const char* kRunFile = "run.json";

  // FailedPrecondition: the folder is locked by another process, holds
  // files but no --resume was given, or --resume was given without a run to
  // resume; InvalidArgument: --resume with a different configuration (every
  // differing member named, up to 8).
  //
  // `dir` is created when missing. `config`: the run's resolved
  // configuration, recorded in run.json and compared on --resume;
  // `may_change`: dotted member paths ("data.data_dir") that may differ on
  // --resume because they do not change what the run computes.
  static absl::StatusOr<std::unique_ptr<RunFolder>> Claim(
      const std::string& dir, bool resume, const Json& config = Json::object(),
      const std::vector<std::string>& may_change = {});
  ~RunFolder();  // releases the lock

  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

  // --resume of a run that had finished, with the same configuration (no
  // member changed, not even one of `may_change`): there is nothing to do.
  bool finished() const { return finished_; }
  // Ends the claim after the run: OK records in run.json that the run
  // finished (with the configuration it finished with); a failed new run
  // that wrote nothing but run.json leaves the folder as it found it (so
  // the same command, corrected, can run there). Returns `run_status`, or
  // the error of recording it.
  absl::Status Close(const absl::Status& run_status);
  const std::string& dir() const { return dir_; }

 private:
  RunFolder(std::string dir, int lock_fd) : dir_(std::move(dir)), lock_fd_(lock_fd) {}

  std::string dir_;
  int lock_fd_ = -1;  // -1 for a rank other than the main one
  Json run_ = Json::object();
  bool finished_ = false;
  bool new_run_ = false;
  bool created_dir_ = false;
};

// The members where `a` and `b` differ, as "$.path: <a> -> <b>", objects
// compared member by member (a member missing on one side shows as
// "(absent)"), in document order; `skip` holds dotted paths to ignore.
std::vector<std::string> JsonDifferences(const Json& a, const Json& b,
                                         const std::vector<std::string>& skip);

}  // namespace nas

#endif  // NAS_BASE_RUN_FOLDER_H_
