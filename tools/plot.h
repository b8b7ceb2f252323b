// //tools:plot: SVG line plots of the trainers' metrics (the metrics.jsonl
// every nas::Trainer writes into its output directory), several runs
// overlaid, so that a run can be looked at instead of read.
//
//   tools/bazel run //tools:plot -- --metrics=runs/a,runs/b --output_dir=plots
//   plots/loss.svg  plots/accuracy.svg  plots/lr.svg  plots/overview.svg
//
// Input: one JSON object a line (nas/train/trainer.cc), e.g.
//   {"split": "train", "epoch": 0, "step": 50, "time": 1.7e9, "loss": 2.1, "accuracy": 0.3, "lr":
//   0.05}
//   {"split": "valid", "epoch": 0, "step": 469, "time": 1.7e9, "loss": 0.9, "accuracy": 0.7}
// split, epoch and step are required; every other numeric member but time
// is a metric (null, which is how a NaN is written, is a gap in the line).
//
// | option     | default | meaning                                              |
// |------------|---------|------------------------------------------------------|
// | metrics    | -       | metrics.jsonl files, or run directories holding one  |
// | labels     | dirs    | one legend label per file; default: the shortest     |
// |            |         | trailing parts of the directories that tell them apart|
// | keys       | all     | metrics to plot (one SVG each)                       |
// | splits     | train   | "train", "valid" or both (valid then dashed)         |
// | x          | step    | "step" or "epoch" (fractional: step / steps a epoch) |
// | smooth     | 1       | trailing moving average over N points (1 = off) of   |
// |            |         | train curves but lr; the raw curve stays underneath  |
// | output_dir | -       | <key>.svg per metric and overview.svg (all of them)  |
//
// Steps a epoch, for --x=epoch, are read off the first finished epoch of
// each run (its last train line); a run stopped inside its first epoch is
// spread over that one epoch.
//
// Errors (a missing file, a malformed line, named by its line number, a key
// no run has) are returned, never thrown. A torn last line (a run being
// written as it is plotted) is skipped with a warning.
#ifndef TOOLS_PLOT_H_
#define TOOLS_PLOT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace nas::tools {

// One line of a metrics.jsonl.
struct MetricsRecord {
  int line = 0;  // 1-based, for messages
  std::string split;
  int64_t epoch = 0;
  int64_t step = 0;
  std::map<std::string, double> values;  // metric -> value (NaN for null)
};

// The records of one file, in file order.
absl::StatusOr<std::vector<MetricsRecord>> ReadMetrics(const std::string& path);

// Legend labels for runs: the directory of each file, as many trailing
// path components as it takes to tell them apart ("a", "b"; "repro/run",
// "repro2/run"). A file not named metrics.jsonl adds its own stem.
std::vector<std::string> RunLabels(const std::vector<std::string>& paths);

struct PlotToolOptions {
  std::vector<std::string> metrics;
  std::vector<std::string> labels;
  std::vector<std::string> keys;
  std::vector<std::string> splits = {"train"};
  std::string x = "step";
  int smooth = 1;
  std::string output_dir;
  int width = 720;  // of each plot
  int height = 420;
};

// Checks the options alone (not the files): metrics and output_dir given,
// as many labels as files, x and splits known, smooth >= 1.
absl::Status ValidatePlotToolOptions(const PlotToolOptions& options);

// Reads every file and writes the plots; returns the paths written
// (<key>.svg for each key in order, then overview.svg).
absl::StatusOr<std::vector<std::string>> PlotMetrics(const PlotToolOptions& options);

}  // namespace nas::tools

#endif  // TOOLS_PLOT_H_
