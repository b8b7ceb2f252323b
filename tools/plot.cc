#include "tools/plot.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "nas/analysis/svg_plot.h"
#include "nas/base/file.h"
#include "nas/base/json.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"

namespace nas::tools {
namespace {

constexpr char kMetricsFile[] = "metrics.jsonl";

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// A run directory stands for its metrics.jsonl.
std::string MetricsPath(const std::string& path) {
  return IsDirectory(path) ? JoinPath(path, kMetricsFile) : path;
}

absl::StatusOr<MetricsRecord> ParseRecord(const std::string& text, const std::string& where) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": not a JSON object: '", text.substr(0, 80), "'"));
  }
  MetricsRecord r;
  auto split = j.find("split");
  if (split == j.end() || !split->is_string()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": no \"split\" string"));
  }
  r.split = split->get<std::string>();
  for (auto [name, out] :
       {std::pair<const char*, int64_t*>{"epoch", &r.epoch}, {"step", &r.step}}) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_number_integer()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": no integer \"", name, "\""));
    }
    *out = it->get<int64_t>();
  }
  for (const auto& [name, value] : j.items()) {
    if (name == "split" || name == "epoch" || name == "step" || name == "time") continue;
    if (value.is_null()) {
      r.values[name] = std::numeric_limits<double>::quiet_NaN();  // how a NaN is written
    } else if (value.is_number()) {
      r.values[name] = value.get<double>();
    } else {
      return absl::InvalidArgumentError(absl::StrCat(where, ": metric \"", name, "\" is a ",
                                                     JsonTypeName(value), ", not a number"));
    }
  }
  return r;
}

// x of every record of one run (see the header on epochs).
std::vector<double> XValues(const std::vector<MetricsRecord>& records, const std::string& x) {
  std::vector<double> xs;
  if (x == "step") {
    for (const MetricsRecord& r : records) xs.push_back(static_cast<double>(r.step));
    return xs;
  }
  // The end of epoch e is its last train line; an epoch is finished once a
  // later epoch or its validation has been logged.
  std::map<int64_t, int64_t> end_step;
  int64_t last_epoch = std::numeric_limits<int64_t>::min();
  std::set<int64_t> validated;
  for (const MetricsRecord& r : records) {
    if (r.split == "train") end_step[r.epoch] = std::max(end_step[r.epoch], r.step);
    if (r.split == "valid") validated.insert(r.epoch);
    last_epoch = std::max(last_epoch, r.epoch);
  }
  double per_epoch = 0;
  for (const auto& [epoch, step] : end_step) {
    if (epoch < last_epoch || validated.count(epoch)) {
      per_epoch = static_cast<double>(step) / static_cast<double>(epoch + 1);
      break;
    }
  }
  if (per_epoch <= 0 && !end_step.empty()) {
    // Stopped inside the first epoch it logged: spread over that epoch.
    per_epoch = static_cast<double>(end_step.begin()->second) /
                static_cast<double>(end_step.begin()->first + 1);
  }
  for (const MetricsRecord& r : records) {
    xs.push_back(per_epoch > 0 ? static_cast<double>(r.step) / per_epoch
                               : static_cast<double>(r.epoch + 1));
  }
  return xs;
}

// Trailing mean over the last `n` finite values; non-finite values stay
// gaps.
std::vector<double> Smooth(const std::vector<double>& y, int n) {
  std::vector<double> out(y.size());
  for (size_t i = 0; i < y.size(); ++i) {
    if (!std::isfinite(y[i])) {
      out[i] = y[i];
      continue;
    }
    double sum = 0;
    int count = 0;
    for (size_t j = i + 1; j-- > 0 && count < n;) {
      if (std::isfinite(y[j])) {
        sum += y[j];
        ++count;
      }
    }
    out[i] = sum / count;
  }
  return out;
}

// A file name for a metric: letters, digits, '-', '_' and '.' kept.
std::string FileStem(const std::string& key) {
  std::string s = key;
  for (char& c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
  }
  return s.empty() || s[0] == '.' ? "_" + s : s;
}

}  // namespace

absl::StatusOr<std::vector<MetricsRecord>> ReadMetrics(const std::string& path) {
  NAS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::vector<MetricsRecord> records;
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line(lines[i]);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    absl::StatusOr<MetricsRecord> record = ParseRecord(line, absl::StrCat(path, ":", i + 1));
    if (!record.ok()) {
      // The last line without its newline: a writer caught mid-line.
      if (i + 1 == lines.size()) {
        LOG(WARNING) << path << ":" << i + 1 << ": skipping the unfinished last line";
        break;
      }
      return record.status();
    }
    record->line = static_cast<int>(i + 1);
    records.push_back(std::move(*record));
  }
  return records;
}

std::vector<std::string> RunLabels(const std::vector<std::string>& paths) {
  std::vector<std::vector<std::string>> parts;
  size_t deepest = 1;
  for (const std::string& path : paths) {
    std::vector<std::string> p = absl::StrSplit(path, '/', absl::SkipEmpty());
    if (!p.empty() && p.back() == kMetricsFile) {
      p.pop_back();
    } else if (!p.empty() && absl::EndsWith(p.back(), ".jsonl")) {
      p.back().resize(p.back().size() - 6);
    }
    if (p.empty()) p.push_back(".");
    deepest = std::max(deepest, p.size());
    parts.push_back(std::move(p));
  }
  auto tail = [](const std::vector<std::string>& p, size_t n) {
    n = std::min(n, p.size());
    return absl::StrJoin(p.end() - n, p.end(), "/");
  };
  for (size_t n = 1; n <= deepest; ++n) {
    std::set<std::string> seen;
    std::vector<std::string> labels;
    for (const auto& p : parts) labels.push_back(tail(p, n));
    for (const auto& l : labels) seen.insert(l);
    if (seen.size() == labels.size() || n == deepest) return labels;
  }
  return {};
}

absl::Status ValidatePlotToolOptions(const PlotToolOptions& o) {
  if (o.metrics.empty()) {
    return absl::InvalidArgumentError(
        "--metrics is required: metrics.jsonl files or run directories");
  }
  if (o.output_dir.empty()) return absl::InvalidArgumentError("--output_dir is required");
  if (!o.labels.empty() && o.labels.size() != o.metrics.size()) {
    return absl::InvalidArgumentError(absl::StrCat("--labels has ", o.labels.size(), " labels for ",
                                                   o.metrics.size(), " metrics files"));
  }
  if (o.x != "step" && o.x != "epoch") {
    return absl::InvalidArgumentError(absl::StrCat("--x must be step or epoch, got '", o.x, "'"));
  }
  if (o.splits.empty()) return absl::InvalidArgumentError("--split: give train, valid or both");
  for (const std::string& split : o.splits) {
    if (split != "train" && split != "valid") {
      return absl::InvalidArgumentError(
          absl::StrCat("--split must be train, valid or both, got '", split, "'"));
    }
  }
  if (o.smooth < 1)
    return absl::InvalidArgumentError(absl::StrCat("--smooth must be >= 1, got ", o.smooth));
  if (o.width < 200 || o.height < 150)
    return absl::InvalidArgumentError("plots need at least 200x150 pixels");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> PlotMetrics(const PlotToolOptions& o) {
  NAS_RETURN_IF_ERROR(ValidatePlotToolOptions(o));
  std::vector<std::string> paths;
  for (const std::string& m : o.metrics) paths.push_back(MetricsPath(m));
  std::vector<std::string> labels = o.labels.empty() ? RunLabels(paths) : o.labels;

  struct RunData {
    std::vector<MetricsRecord> records;
    std::vector<double> x;
  };
  std::vector<RunData> runs;
  std::set<std::string> present;  // keys of the chosen splits, all runs
  for (const std::string& path : paths) {
    RunData run;
    NAS_ASSIGN_OR_RETURN(run.records, ReadMetrics(path));
    run.x = XValues(run.records, o.x);
    for (const MetricsRecord& r : run.records) {
      if (std::find(o.splits.begin(), o.splits.end(), r.split) == o.splits.end()) continue;
      for (const auto& [key, value] : r.values) present.insert(key);
    }
    runs.push_back(std::move(run));
  }
  const std::string splits = absl::StrJoin(o.splits, ", ");
  if (present.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no ", splits, " metrics in ", absl::StrJoin(paths, ", ")));
  }
  std::vector<std::string> keys =
      o.keys.empty() ? std::vector<std::string>(present.begin(), present.end()) : o.keys;
  for (const std::string& key : keys) {
    if (!present.count(key)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown key '", key, "': the ", splits, " metrics hold ", absl::StrJoin(present, ", ")));
    }
  }

  std::vector<std::string> written;
  std::vector<PlotPanel> panels;
  std::set<std::string> stems = {"overview"};
  for (const std::string& key : keys) {
    PlotPanel panel;
    panel.options.x_label = o.x;
    panel.options.y_label = key;
    panel.options.width = o.width;
    panel.options.height = o.height;
    for (size_t k = 0; k < runs.size(); ++k) {
      for (size_t s = 0; s < o.splits.size(); ++s) {
        PlotSeries series;
        series.label =
            o.splits.size() > 1 ? absl::StrCat(labels[k], " (", o.splits[s], ")") : labels[k];
        series.color = PlotColor(k);
        series.dashed = s > 0;
        for (size_t i = 0; i < runs[k].records.size(); ++i) {
          const MetricsRecord& r = runs[k].records[i];
          auto value = r.values.find(key);
          if (r.split != o.splits[s] || value == r.values.end()) continue;
          series.x.push_back(runs[k].x[i]);
          series.y.push_back(value->second);
        }
        if (series.x.empty()) continue;
        // A single point draws no line: mark it.
        if (series.x.size() == 1) series.style = PlotSeries::Style::kLinePoints;
        // Validation metrics are already means over a whole set, and the
        // learning rate is a schedule, not a noisy measurement.
        if (o.smooth > 1 && o.splits[s] == "train" && key != "lr") {
          PlotSeries raw = series;
          raw.opacity = 0.25;
          raw.stroke_width = 1;
          raw.in_legend = false;
          panel.series.push_back(std::move(raw));
          series.y = Smooth(series.y, o.smooth);
        }
        panel.series.push_back(std::move(series));
      }
    }
    // The title names the splits that have this key.
    std::vector<std::string> drawn;
    for (const std::string& split : o.splits) {
      for (const RunData& run : runs) {
        bool has = std::any_of(run.records.begin(), run.records.end(), [&](const MetricsRecord& r) {
          return r.split == split && r.values.count(key);
        });
        if (has) {
          drawn.push_back(split);
          break;
        }
      }
    }
    bool smoothed = o.smooth > 1 && key != "lr" &&
                    std::find(drawn.begin(), drawn.end(), "train") != drawn.end();
    panel.options.title =
        absl::StrCat(key, " (", absl::StrJoin(drawn, ", "),
                     smoothed ? absl::StrCat("; train: mean of ", o.smooth) : "", ")");
    std::string stem = FileStem(key);
    while (stems.count(stem)) stem += "_";
    stems.insert(stem);
    std::string path = JoinPath(o.output_dir, stem + ".svg");
    NAS_RETURN_IF_ERROR(WriteSvgPlot(path, panel.options, panel.series));
    written.push_back(path);
    panels.push_back(std::move(panel));
  }
  std::string overview = JoinPath(o.output_dir, "overview.svg");
  NAS_RETURN_IF_ERROR(WriteSvgGrid(overview, panels, panels.size() > 1 ? 2 : 1));
  written.push_back(overview);
  return written;
}

}  // namespace nas::tools
