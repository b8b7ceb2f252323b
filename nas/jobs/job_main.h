// The main of every job binary, written once: the common flags, the
// configuration read in one order, --print_config, output folders resolved
// against where the user ran `bazel run`, one error line and the exit code.
//
// A configuration is read in this order, each step over the previous one:
//
//   1. the preset: --preset, else the --config file's "preset" member, else
//      the package's default (the package's FromJson knows its presets);
//   2. the --config file's members (strict: an unknown member is an error
//      naming the file and its JSON path);
//   3. --set=path=value,path=value...: any member by its dotted path (value
//      is JSON: 3, 0.1, true, "x", {"a": 1}; a bare word is a string);
//   4. the binary's own flags given explicitly (--epochs, --seed, ...), each
//      naming the member it sets;
//
// and then validated once by the package's FromJson, so a bad value from a
// flag gets the same message as from a file (the flag is named in it).
//
// The output folder is then claimed for the run (nas/base/run_folder.h): a
// lock for the life of the process, a new run only in an empty folder,
// --resume only of a run there with the same configuration; a finished run
// resumed does nothing.
//
// Common flags (defined here, once; a binary without the part a flag sets
// hides it from --help and rejects it):
//
// | flag            | sets / means                                         |
// |-----------------|------------------------------------------------------|
// | --config        | configuration file (JSON)                            |
// | --preset        | a preset of the package                              |
// | --set           | path=value overrides                                 |
// | --seed          | "seed"                                               |
// | --print_config  | print the resolved configuration and exit            |
// | --output_dir    | where the job writes (relative to where you ran it)  |
// | --resume        | continue the run in --output_dir                     |
// | --dataset       | "data.dataset"                                       |
// | --data_dir      | "data.data_dir"                                      |
// | --space         | "space" (binaries whose space is a choice)           |
// | --space_options | "space_options" (JSON)                               |
// | --epochs        | <trainer_path>.epochs                                |
// | --max_steps     | <trainer_path>.max_steps                             |
// | --precision     | <trainer_path>.precision (fp32, bf16, fp16)          |
// | --device        | <trainer_path>.device (cpu, cuda, cuda:N)            |
// | --memory_format | <trainer_path>.memory_format (contiguous, channels_last) |
// | --threads       | intra-op CPU threads (nas/base/torch)                |
//
// Example (a package's search_main.cc):
//
//   DEFINE_bool(unrolled, false, "Second-order DARTS.");
//
//   int main(int argc, char** argv) {
//     nas::JobMain<nas::darts::DartsConfig> job;
//     job.usage = "DARTS: differentiable architecture search of a cell.";
//     job.output_dir = "darts/search";
//     job.trainer_path = "search.trainer";
//     job.from_json = &nas::darts::DartsConfigFromJson;
//     job.to_json = &nas::darts::DartsConfigToJson;
//     job.flags = {{"unrolled", "search.darts.unrolled"}};
//     job.run = [](const nas::darts::DartsConfig& config, const nas::JobArgs& args) {
//       return nas::darts::RunSearchJob(config, args.output_dir, args.resume).status();
//     };
//     return job.main(argc, argv);
//   }
#ifndef NAS_JOBS_JOB_MAIN_H_
#define NAS_JOBS_JOB_MAIN_H_

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nas/base/init.h"
#include "nas/base/json.h"
#include "nas/base/run_folder.h"
#include "nas/base/status.h"

namespace nas {

// A binary flag that sets one member of the configuration when given
// explicitly. `json`: the flag's string value is parsed as JSON (an object
// such as --space_options); `user_path`: a path resolved against where the
// user ran the binary; otherwise the value is converted by the flag's type.
struct FlagPath {
  std::string flag;
  std::string path;  // dotted: "search.trainer.epochs"
  bool json = false;
  bool user_path = false;
};

// What the common flags say, resolved.
struct JobArgs {
  std::string output_dir;  // absolute; "" when the binary has none
  bool resume = false;
};

// True when --`name` was given on the command line (not its default).
bool FlagWasSet(const std::string& name);

// Steps 1-4 above as one JSON document (the configuration file's members,
// the preset, the overrides), and the source to name in messages. Fails
// for an unreadable file, a malformed --set or a flag value that is not
// valid JSON.
struct ConfigDocument {
  Json json = Json::object();
  std::string source;                   // "<file>: $" or "$"
  std::vector<FlagPath> applied_flags;  // flags that set a member
};
absl::StatusOr<ConfigDocument> ReadConfigDocument(const std::vector<FlagPath>& flags);

// Applies "a.b=1,c=x" to `doc`, creating objects on the way; a member that
// is not an object where the path needs one is an error naming the path.
absl::Status ApplySetOverrides(const std::string& assignments, Json* doc);

// Appends " (from --flag)" to `status` when it names the member a flag set.
absl::Status AttributeToFlags(absl::Status status, const ConfigDocument& document);

// Which common flags a binary has (see the table above).
struct JobFlagsSpec {
  std::string output_dir;    // default of --output_dir; "" = the binary has none
  bool resumable = true;     // --resume (only with an output folder)
  bool data = true;          // --dataset, --data_dir
  bool space = false;        // --space, --space_options
  std::string trainer_path;  // --epochs ... set <trainer_path>.*; "" = none
};
// Before InitMain: the --output_dir default for --help, unused flags hidden.
void PrepareJobFlags(const JobFlagsSpec& spec);
// After InitMain: the output folder resolved, unused flags given rejected.
absl::StatusOr<JobArgs> ResolveJobArgs(const JobFlagsSpec& spec);
// The common flags that set configuration members, for ReadConfigDocument.
std::vector<FlagPath> CommonFlagPaths(const JobFlagsSpec& spec);

// The configuration members that may differ when a run is resumed (where
// the data lives, loader workers, progress display, the device, the step
// budget: a run stopped by max_steps continues exactly): they do not change
// what the steps compute.
std::vector<std::string> HarmlessChanges(const JobFlagsSpec& spec);

// True when --print_config was given.
bool PrintConfigRequested();

template <typename Config>
struct JobMain {
  const char* usage = "";
  // Default of --output_dir (relative to where the user runs the binary);
  // empty: the binary writes no output folder (and has no --resume).
  std::string output_dir;
  bool resumable = true;
  // Members the common --dataset/--data_dir, --space/--space_options and
  // --epochs/--max_steps/--precision/--device/--memory_format set.
  bool data_flags = true;
  bool space_flags = false;
  std::string trainer_path;
  std::function<absl::StatusOr<Config>(const Json& document, const std::string& source)> from_json;
  std::function<Json(const Config&)> to_json;
  std::vector<FlagPath> flags;
  // Members (dotted paths) a --resume may change besides HarmlessChanges():
  // a search's trial budget, say. A finished run resumed with one of them
  // changed runs again (the job continues it).
  std::vector<std::string> resume_may_change;
  std::function<absl::Status(const Config&, const JobArgs&)> run;

  int main(int argc, char** argv) {
    JobFlagsSpec spec{output_dir, resumable && !output_dir.empty(), data_flags, space_flags,
                      trainer_path};
    PrepareJobFlags(spec);
    InitMain(usage, &argc, &argv);
    return ExitWith(CatchExceptions([&]() -> absl::Status {
      NAS_ASSIGN_OR_RETURN(JobArgs args, ResolveJobArgs(spec));
      std::vector<FlagPath> all = CommonFlagPaths(spec);
      all.insert(all.end(), flags.begin(), flags.end());
      NAS_ASSIGN_OR_RETURN(ConfigDocument document, ReadConfigDocument(all));
      absl::StatusOr<Config> config = from_json(document.json, document.source);
      if (!config.ok()) return AttributeToFlags(config.status(), document);
      if (PrintConfigRequested()) {
        printf("%s\n", to_json(*config).dump(2).c_str());
        return absl::OkStatus();
      }
      std::unique_ptr<RunFolder> folder;
      if (!args.output_dir.empty()) {
        std::vector<std::string> may_change = HarmlessChanges(spec);
        may_change.insert(may_change.end(), resume_may_change.begin(), resume_may_change.end());
        NAS_ASSIGN_OR_RETURN(
            folder, RunFolder::Claim(args.output_dir, args.resume, to_json(*config), may_change));
        if (folder->finished()) {
          fprintf(stderr, "%s: the run finished already; nothing to resume\n",
                  args.output_dir.c_str());
          return absl::OkStatus();
        }
      }
      absl::Status status = run(*config, args);
      return folder != nullptr ? folder->Close(status) : status;
    }));
  }
};

}  // namespace nas

#endif  // NAS_JOBS_JOB_MAIN_H_
