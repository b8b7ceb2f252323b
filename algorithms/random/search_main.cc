// RUN: tools/bazel run //algorithms/random:search -- --num_samples=3 --output_dir=out
#include <string>

#include <gflags/gflags.h>

#include "algorithms/random/search.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"

DEFINE_string(config, "", "JSON file with any of the options below; flags given explicitly win.");
DEFINE_string(space, "small_cnn", "Registered search space to sample from.");
DEFINE_string(space_options, "{}", "Options of the search space, as a JSON object.");
DEFINE_int32(num_samples, 5, "Number of architectures to sample.");
DEFINE_uint64(seed, 0, "Random seed; the same seed gives the same architectures.");
DEFINE_string(output_dir, "random_search",
              "Output directory, relative to where you ran bazel run.");

namespace {

bool Explicit(const char* flag) { return !gflags::GetCommandLineFlagInfoOrDie(flag).is_default; }

absl::Status Run() {
  nas::random::SearchOptions options;
  if (!FLAGS_config.empty()) {
    NAS_ASSIGN_OR_RETURN(nas::Json config, nas::ReadJsonFile(nas::ResolveUserPath(FLAGS_config)));
    NAS_RETURN_IF_ERROR(nas::Annotate(nas::random::SearchOptionsFromJson(config, &options), FLAGS_config));
  }
  if (FLAGS_config.empty() || Explicit("space")) options.space = FLAGS_space;
  if (FLAGS_config.empty() || Explicit("space_options")) {
    NAS_ASSIGN_OR_RETURN(options.space_options, nas::ParseJson(FLAGS_space_options, "--space_options"));
  }
  if (FLAGS_config.empty() || Explicit("num_samples")) options.num_samples = FLAGS_num_samples;
  if (FLAGS_config.empty() || Explicit("seed")) options.seed = FLAGS_seed;
  if (FLAGS_config.empty() || Explicit("output_dir")) options.output_dir = FLAGS_output_dir;
  options.output_dir = nas::ResolveUserPath(options.output_dir);
  NAS_RETURN_IF_ERROR(nas::random::SearchOptionsFromJson(nas::random::SearchOptionsToJson(options), &options));
  return nas::random::RunSearch(options);
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain(
      "Samples random architectures of a registered search space and writes them as "
      "architecture files (arch_000.json, ...), with the search space and the resolved config.",
      &argc, &argv);
  return nas::ExitWith(Run());
}
