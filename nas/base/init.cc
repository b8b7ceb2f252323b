#include "nas/base/init.h"

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include <gflags/gflags.h>

#include "nas/base/logging.h"

namespace nas {

namespace {

std::vector<StartupHook>& Hooks() {
  static auto* hooks = new std::vector<StartupHook>;
  return *hooks;
}

std::set<std::string>& HiddenFlags() {
  static auto* hidden = new std::set<std::string>;
  return *hidden;
}

// Flags defined by the project's own sources (LibTorch, glog and gflags define
// dozens more that a user of our binaries never needs).
bool IsProjectFlag(const gflags::CommandLineFlagInfo& flag) {
  for (const char* prefix : {"nas/", "algorithms/", "datasets/", "tools/", "tests/"}) {
    if (flag.filename.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

bool WantsHelp(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") break;
    if (arg == "--help" || arg == "-help" || arg == "-h" || arg == "--helpshort") return true;
  }
  return false;
}

void PrintHelp(const char* usage, const char* argv0) {
  printf("%s\n\nUsage: %s [flags]\n\nFlags:\n", usage, argv0);
  std::vector<gflags::CommandLineFlagInfo> flags;
  gflags::GetAllFlags(&flags);
  for (const auto& flag : flags) {
    if (IsProjectFlag(flag) && !HiddenFlags().count(flag.name))
      printf("%s", gflags::DescribeOneFlag(flag).c_str());
  }
  printf("\n--helpfull lists the flags of LibTorch and glog as well.\n");
}

}  // namespace

void InitMain(const char* usage, int* argc, char*** argv) {
  gflags::SetUsageMessage(usage);
  if (WantsHelp(*argc, *argv)) {
    PrintHelp(usage, (*argv)[0]);
    exit(0);
  }
  gflags::ParseCommandLineFlags(argc, argv, /*remove_flags=*/true);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging((*argv)[0]);
  RunStartupHooks();
}

void HideFlagFromHelp(const std::string& name) { HiddenFlags().insert(name); }

void RegisterStartupHook(StartupHook hook) { Hooks().push_back(hook); }

void RunStartupHooks() {
  for (StartupHook hook : Hooks()) hook();
}

int ExitWith(const absl::Status& status) {
  if (status.ok()) return 0;
  std::string message(status.message());
  fprintf(stderr, "error: %s\n", message.c_str());
  return status.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
}

}  // namespace nas
