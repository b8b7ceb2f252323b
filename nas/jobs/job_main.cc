#include "nas/jobs/job_main.h"

#include <cmath>

#include <gflags/gflags.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nas/base/file.h"

DEFINE_string(config, "", "Configuration file (JSON); its members override the preset's.");
DEFINE_string(preset, "", "A preset of the package (the default configuration when not given).");
DEFINE_string(
    set, "",
    "Overrides by dotted path, comma-separated: --set=trainer.epochs=3,data.dataset=synthetic "
    "(values are JSON; a bare word is a string).");
DEFINE_uint64(seed, 0, "Seed (overrides the configuration's).");
DEFINE_string(output_dir, "", "Output folder, relative to where you ran the binary.");
DEFINE_bool(resume, false, "Continue the run in --output_dir from its newest checkpoint.");
DEFINE_bool(print_config, false, "Print the resolved configuration (JSON) and exit.");
DEFINE_string(
    dataset, "",
    "Registered dataset: fashion_mnist, cifar10, synthetic (default: the configuration's).");
DEFINE_string(data_dir, "", "Dataset folder (default: the dataset's own).");
DEFINE_string(space, "", "Registered space (default: the configuration's).");
DEFINE_string(space_options, "{}", "Options of the space, as a JSON object.");
DEFINE_int64(epochs, 0, "Training epochs (default: the configuration's).");
DEFINE_int64(max_steps, 0,
             "Stop after this many steps (default: the configuration's; 0 = all epochs).");
DEFINE_string(precision, "",
              "fp32, bf16 (CPU autocast) or fp16 (CUDA autocast with loss scaling).");
DEFINE_string(device, "", "cpu, cuda or cuda:N.");
DEFINE_string(memory_format, "",
              "contiguous or channels_last: the convolutions' weights and the batches "
              "(default: the configuration's).");

namespace nas {
namespace {

// Splits "a=1,b={"x": 1, "y": 2},c=[1,2]" at the commas outside brackets and
// strings.
std::vector<std::string> SplitAssignments(const std::string& s) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : s) {
    if (in_string) {
      current += c;
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  parts.push_back(current);
  return parts;
}

absl::Status SetPath(Json* doc, const std::string& path, Json value, const std::string& what) {
  std::vector<std::string> keys = absl::StrSplit(path, '.');
  Json* node = doc;
  std::string walked = "$";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].empty())
      return absl::InvalidArgumentError(absl::StrCat(what, ": bad path '", path, "'"));
    if (!node->is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": ", walked, " is not an object (", JsonTypeName(*node), ")"));
    }
    walked = JsonChildPath(walked, keys[i]);
    if (i + 1 == keys.size()) {
      (*node)[keys[i]] = std::move(value);
    } else {
      node = &(*node)[keys[i]];
      if (node->is_null()) *node = Json::object();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Json> FlagValue(const FlagPath& flag) {
  gflags::CommandLineFlagInfo info;
  if (!gflags::GetCommandLineFlagInfo(flag.flag.c_str(), &info)) {
    return absl::InternalError(absl::StrCat("no flag --", flag.flag));
  }
  const std::string what = absl::StrCat("--", flag.flag, "=", info.current_value);
  if (flag.json) return ParseJson(info.current_value, absl::StrCat("--", flag.flag));
  if (flag.user_path) return Json(ResolveUserPath(info.current_value));
  if (info.type == "string") return Json(info.current_value);
  if (info.type == "bool") return Json(info.current_value == "true");
  Json number = Json::parse(info.current_value, nullptr, /*allow_exceptions=*/false);
  if (!number.is_number() || (number.is_number_float() && !std::isfinite(number.get<double>()))) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not a finite number"));
  }
  return number;
}

}  // namespace

bool FlagWasSet(const std::string& name) {
  gflags::CommandLineFlagInfo info;
  return gflags::GetCommandLineFlagInfo(name.c_str(), &info) && !info.is_default;
}

bool PrintConfigRequested() { return FLAGS_print_config; }

absl::Status ApplySetOverrides(const std::string& assignments, Json* doc) {
  if (assignments.empty()) return absl::OkStatus();
  for (const std::string& part : SplitAssignments(assignments)) {
    size_t eq = part.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--set: '", part, "' is not path=value (e.g. --set=trainer.epochs=3)"));
    }
    std::string path = part.substr(0, eq), text = part.substr(eq + 1);
    Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) {
      // A bare word is a string; anything else that does not parse is an
      // error (a typo in an object, an unquoted string with spaces...).
      bool bare = !text.empty() && text.find_first_of("{}[]\":, ") == std::string::npos;
      if (!bare) {
        return absl::InvalidArgumentError(
            absl::StrCat("--set: the value of ", path, " is not JSON: ", text));
      }
      value = text;
    }
    NAS_RETURN_IF_ERROR(SetPath(doc, path, std::move(value), "--set"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ConfigDocument> ReadConfigDocument(const std::vector<FlagPath>& flags) {
  ConfigDocument document;
  document.source = "$";
  if (!FLAGS_config.empty()) {
    std::string path = ResolveUserPath(FLAGS_config);
    NAS_ASSIGN_OR_RETURN(document.json, ReadJsonFile(path));
    document.source = absl::StrCat(FLAGS_config, ": $");
    if (!document.json.is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(
          document.source, ": expected a JSON object, got ", JsonTypeName(document.json)));
    }
  }
  if (FlagWasSet("preset")) {
    if (FLAGS_preset.empty()) return absl::InvalidArgumentError("--preset: empty preset name");
    document.json["preset"] = FLAGS_preset;
  }
  NAS_RETURN_IF_ERROR(ApplySetOverrides(FLAGS_set, &document.json));
  std::vector<FlagPath> all = flags;
  all.push_back({"seed", "seed"});
  for (const FlagPath& flag : all) {
    if (!FlagWasSet(flag.flag)) continue;
    NAS_ASSIGN_OR_RETURN(Json value, FlagValue(flag));
    NAS_RETURN_IF_ERROR(SetPath(&document.json, flag.path, std::move(value), "--" + flag.flag));
    document.applied_flags.push_back(flag);
  }
  return document;
}

absl::Status AttributeToFlags(absl::Status status, const ConfigDocument& document) {
  if (status.ok()) return status;
  std::string message(status.message());
  for (const FlagPath& flag : document.applied_flags) {
    const std::string path = "$." + flag.path;
    size_t at = message.find(path);
    if (at == std::string::npos) continue;
    char next = at + path.size() < message.size() ? message[at + path.size()] : ' ';
    if (std::isalnum(static_cast<unsigned char>(next)) || next == '_') continue;
    return absl::Status(status.code(), absl::StrCat(message, " (from --", flag.flag, ")"));
  }
  return status;
}

namespace {

// The common flags this binary has no use for.
std::vector<std::string> UnusedFlags(const JobFlagsSpec& spec) {
  std::vector<std::string> unused;
  if (spec.output_dir.empty()) unused.push_back("output_dir");
  if (spec.output_dir.empty() || !spec.resumable) unused.push_back("resume");
  if (!spec.data) unused.insert(unused.end(), {"dataset", "data_dir"});
  if (!spec.space) unused.insert(unused.end(), {"space", "space_options"});
  if (spec.trainer_path.empty())
    unused.insert(unused.end(), {"epochs", "max_steps", "precision", "device", "memory_format"});
  return unused;
}

}  // namespace

std::vector<FlagPath> CommonFlagPaths(const JobFlagsSpec& spec) {
  std::vector<FlagPath> paths;
  if (spec.data)
    paths.insert(paths.end(), {{"dataset", "data.dataset"},
                               {"data_dir", "data.data_dir", false, /*user_path=*/true}});
  if (spec.space) {
    paths.push_back({"space", "space"});
    paths.push_back({"space_options", "space_options", /*json=*/true});
  }
  if (!spec.trainer_path.empty()) {
    for (const char* name : {"epochs", "max_steps", "precision", "device", "memory_format"}) {
      paths.push_back({name, spec.trainer_path + "." + name});
    }
  }
  return paths;
}

std::vector<std::string> HarmlessChanges(const JobFlagsSpec& spec) {
  std::vector<std::string> paths = {"data.data_dir", "data.workers"};
  if (!spec.trainer_path.empty()) {
    for (const char* name : {"progress", "device", "max_steps", "memory_format"}) {
      paths.push_back(spec.trainer_path + "." + name);
    }
  }
  return paths;
}

void PrepareJobFlags(const JobFlagsSpec& spec) {
  if (!spec.output_dir.empty()) {
    gflags::SetCommandLineOptionWithMode("output_dir", spec.output_dir.c_str(),
                                         gflags::SET_FLAGS_DEFAULT);
  }
  for (const std::string& name : UnusedFlags(spec)) HideFlagFromHelp(name);
}

absl::StatusOr<JobArgs> ResolveJobArgs(const JobFlagsSpec& spec) {
  for (const std::string& name : UnusedFlags(spec)) {
    if (FlagWasSet(name))
      return absl::InvalidArgumentError(absl::StrCat("--", name, ": not a flag of this binary"));
  }
  JobArgs args;
  if (!spec.output_dir.empty()) {
    if (FLAGS_output_dir.empty())
      return absl::InvalidArgumentError("--output_dir must not be empty");
    args.output_dir = ResolveUserPath(FLAGS_output_dir);
  }
  args.resume = FLAGS_resume;
  return args;
}

}  // namespace nas
