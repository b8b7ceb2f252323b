// SVG line plots of trainers' metrics.jsonl files, several runs overlaid
// (see tools/plot.h). Prints the files it wrote.
//
// RUN: tools/bazel run //tools:plot -- --metrics=runs/a,runs/b --keys=loss,accuracy
// --output_dir=plots
#include <cstdio>
#include <string>
#include <vector>

#include <gflags/gflags.h>

#include "absl/strings/str_split.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"
#include "tools/plot.h"

DEFINE_string(metrics, "",
              "Comma-separated metrics.jsonl files or run directories holding one (relative to "
              "where you ran bazel run).");
DEFINE_string(labels, "",
              "Comma-separated legend labels, one per --metrics entry. Default: the directories.");
DEFINE_string(
    keys, "",
    "Comma-separated metrics to plot, e.g. loss,accuracy,lr. Default: every one present.");
DEFINE_string(split, "train", "train, valid, or train,valid (valid is then dashed).");
DEFINE_string(x, "step", "x axis: step or epoch.");
DEFINE_int32(smooth, 1, "Trailing moving average over this many points (1 = none).");
DEFINE_int32(width, 720, "Width of each plot, pixels.");
DEFINE_int32(height, 420, "Height of each plot, pixels.");
DEFINE_string(output_dir, "plots",
              "Directory for <key>.svg and overview.svg (relative to where you ran bazel run).");

namespace {

std::vector<std::string> List(const std::string& flag) {
  return absl::StrSplit(flag, ',', absl::SkipWhitespace());
}

absl::Status Run() {
  nas::tools::PlotToolOptions options;
  for (const std::string& m : List(FLAGS_metrics))
    options.metrics.push_back(nas::ResolveUserPath(m));
  options.labels = List(FLAGS_labels);
  options.keys = List(FLAGS_keys);
  options.splits = List(FLAGS_split);
  options.x = FLAGS_x;
  options.smooth = FLAGS_smooth;
  options.width = FLAGS_width;
  options.height = FLAGS_height;
  if (!FLAGS_output_dir.empty()) options.output_dir = nas::ResolveUserPath(FLAGS_output_dir);
  NAS_ASSIGN_OR_RETURN(std::vector<std::string> written, nas::tools::PlotMetrics(options));
  for (const std::string& path : written) printf("wrote %s\n", path.c_str());
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("Plots trainers' metrics.jsonl files as SVG line plots, several runs overlaid.",
                &argc, &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
