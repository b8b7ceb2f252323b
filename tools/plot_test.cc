#include "tools/plot.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "nas/base/file.h"

namespace nas::tools {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

int Count(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

std::string Tmp(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

// A run as nas::Trainer logs it: `steps` steps an epoch, a train line
// every 2 steps and at the end of each epoch, a valid line per epoch.
std::string WriteRun(const std::string& dir, int epochs, int steps, double scale) {
  std::string text;
  int step = 0;
  for (int e = 0; e < epochs; ++e) {
    for (int b = 0; b < steps; ++b) {
      ++step;
      if (step % 2 == 0 || b + 1 == steps) {
        absl::StrAppend(
            &text, "{\"accuracy\":", 0.1 * scale * step, ",\"epoch\":", e, ",\"loss\":", 2.0 / step,
            ",\"lr\":0.05,\"split\":\"train\",\"step\":", step, ",\"time\":1795835436.1}\n");
      }
    }
    absl::StrAppend(&text, "{\"accuracy\":", 0.5 + 0.1 * e, ",\"epoch\":", e,
                    ",\"loss\":1.5,\"split\":\"valid\",\"step\":", step,
                    ",\"time\":1795835437.5}\n");
  }
  std::string path = JoinPath(Tmp(dir), "metrics.jsonl");
  EXPECT_TRUE(WriteFileAtomically(path, text).ok());
  return path;
}

PlotToolOptions Options(const std::string& out) {
  PlotToolOptions o;
  o.output_dir = Tmp(out);
  return o;
}

TEST(PlotTest, ReadsTrainerLines) {
  std::string path = Tmp("read.jsonl");
  ASSERT_TRUE(WriteFileAtomically(
                  path,
                  "{\"split\":\"train\",\"epoch\":0,\"step\":1,\"time\":5,\"loss\":2.5}\n"
                  "\n"
                  "{\"split\":\"valid\",\"epoch\":0,\"step\":1,\"loss\":null,\"accuracy\":0.5}\n")
                  .ok());
  absl::StatusOr<std::vector<MetricsRecord>> records = ReadMetrics(path);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].split, "train");
  EXPECT_EQ((*records)[0].values.size(), 1u);  // time is not a metric
  EXPECT_EQ((*records)[0].values.at("loss"), 2.5);
  EXPECT_EQ((*records)[1].line, 3);
  EXPECT_TRUE(std::isnan((*records)[1].values.at("loss")));  // a NaN is written as null
}

TEST(PlotTest, MalformedLinesNameTheirLineNumber) {
  auto error = [](const std::string& name, const std::string& text) {
    std::string path = Tmp(name);
    EXPECT_TRUE(WriteFileAtomically(path, text).ok());
    return std::string(ReadMetrics(path).status().message());
  };
  const std::string ok = "{\"split\":\"train\",\"epoch\":0,\"step\":1,\"loss\":2}\n";
  EXPECT_THAT(error("syntax.jsonl", ok + "{\"split\": oops}\n" + ok),
              HasSubstr("syntax.jsonl:2: not a JSON object"));
  EXPECT_THAT(error("split.jsonl", ok + ok + "{\"epoch\":0,\"step\":1}\n" + ok),
              HasSubstr("split.jsonl:3: no \"split\""));
  EXPECT_THAT(error("step.jsonl", "{\"split\":\"train\",\"epoch\":0,\"step\":1.5}\n" + ok),
              HasSubstr("step.jsonl:1: no integer \"step\""));
  EXPECT_THAT(
      error("value.jsonl", ok + "{\"split\":\"train\",\"epoch\":0,\"step\":2,\"loss\":\"low\"}\n"),
      HasSubstr("value.jsonl:2: metric \"loss\" is a string, not a number"));
  EXPECT_THAT(ReadMetrics(Tmp("missing.jsonl")).status().message(), HasSubstr("missing.jsonl"));
  // A torn last line (a run still writing) is skipped, not an error.
  std::string torn = Tmp("torn.jsonl");
  ASSERT_TRUE(WriteFileAtomically(torn, ok + "{\"split\":\"tr").ok());
  absl::StatusOr<std::vector<MetricsRecord>> records = ReadMetrics(torn);
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_EQ(records->size(), 1u);
}

TEST(PlotTest, LabelsAreTheShortestDistinctDirectories) {
  EXPECT_THAT(RunLabels({"/r/a/metrics.jsonl", "/r/b/metrics.jsonl"}), ElementsAre("a", "b"));
  EXPECT_THAT(RunLabels({"/x/repro/run/metrics.jsonl", "/x/repro2/run/metrics.jsonl"}),
              ElementsAre("repro/run", "repro2/run"));
  EXPECT_THAT(RunLabels({"/r/a/log.jsonl", "/r/a/metrics.jsonl"}), ElementsAre("log", "a"));
  EXPECT_THAT(RunLabels({"metrics.jsonl"}), ElementsAre("."));
}

TEST(PlotTest, OneSvgPerKeyAndAnOverview) {
  std::string a = WriteRun("a", 2, 5, 1.0), b = WriteRun("b", 2, 5, 0.5);
  PlotToolOptions o = Options("plots");
  o.metrics = {a, Tmp("b")};  // a file, or the run directory
  absl::StatusOr<std::vector<std::string>> written = PlotMetrics(o);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_THAT(*written, ElementsAre(Tmp("plots/accuracy.svg"), Tmp("plots/loss.svg"),
                                    Tmp("plots/lr.svg"), Tmp("plots/overview.svg")));
  std::string loss = *ReadFile(Tmp("plots/loss.svg"));
  EXPECT_THAT(loss, HasSubstr(">loss (train)</text>"));
  EXPECT_THAT(loss, HasSubstr(">step</text>"));
  EXPECT_EQ(Count(loss, "<path "), 2);  // one line a run
  EXPECT_EQ(Count(loss, ">a</text>"), 1);
  EXPECT_EQ(Count(loss, ">b</text>"), 1);
  // Train lines at steps 2, 4, 5, 6, 8, 10: six points, one M and five L.
  size_t d = loss.find("<path d=\"");
  std::string path = loss.substr(d, loss.find('"', d + 9) - d);
  EXPECT_EQ(Count(path, " L"), 5) << path;
  std::string overview = *ReadFile(Tmp("plots/overview.svg"));
  EXPECT_EQ(Count(overview, "<svg "), 4);  // the page and three panels
  EXPECT_THAT(overview, HasSubstr(">lr (train)</text>"));

  o.labels = {"baseline", "half"};
  o.keys = {"accuracy"};
  o.output_dir = Tmp("labelled");
  written = PlotMetrics(o);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->size(), 2u);
  EXPECT_THAT(*ReadFile(Tmp("labelled/accuracy.svg")), HasSubstr(">baseline</text>"));
  EXPECT_FALSE(FileExists(Tmp("labelled/loss.svg")));
}

TEST(PlotTest, EpochAxisSplitsAndSmoothing) {
  std::string a = WriteRun("e", 3, 4, 1.0);
  PlotToolOptions o = Options("epochs");
  o.metrics = {a};
  o.keys = {"accuracy", "lr"};
  o.splits = {"train", "valid"};
  o.x = "epoch";
  o.smooth = 3;
  ASSERT_TRUE(PlotMetrics(o).ok());
  std::string acc = *ReadFile(Tmp("epochs/accuracy.svg"));
  EXPECT_THAT(acc, HasSubstr(">accuracy (train, valid; train: mean of 3)</text>"));
  EXPECT_THAT(acc, HasSubstr(">epoch</text>"));
  EXPECT_THAT(acc, HasSubstr(">e (train)</text>"));
  EXPECT_THAT(acc, HasSubstr(">e (valid)</text>"));
  // Train: a faint raw line under the smoothed one; valid: dashed, not smoothed.
  EXPECT_EQ(Count(acc, "<path "), 3);
  EXPECT_EQ(Count(acc, "opacity=\"0.25\""), 1);
  EXPECT_EQ(Count(acc, "stroke-dasharray=\"6,4\""), 1);
  // Steps an epoch = 4, so the last train point and the last valid point
  // share x = 3 epochs: the axis ends at the tick 3.
  EXPECT_THAT(acc, HasSubstr(">3</text>"));
  EXPECT_THAT(acc, Not(HasSubstr(">12</text>")));
  // lr is a schedule: never smoothed.
  std::string lr = *ReadFile(Tmp("epochs/lr.svg"));
  EXPECT_EQ(Count(lr, "opacity=\"0.25\""), 0);
  EXPECT_THAT(lr, HasSubstr(">lr (train)</text>"));  // valid lines have no lr

  o.splits = {"valid"};
  o.keys = {};
  o.smooth = 1;
  o.output_dir = Tmp("valid");
  absl::StatusOr<std::vector<std::string>> written = PlotMetrics(o);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->size(), 3u);  // accuracy, loss (no lr in valid lines), overview
}

TEST(PlotTest, BadOptionsAndInput) {
  std::string a = WriteRun("bad", 1, 4, 1.0);
  auto error = [&](void (*edit)(PlotToolOptions&)) {
    PlotToolOptions o = Options("bad_out");
    o.metrics = {JoinPath(Tmp("bad"), "metrics.jsonl")};
    edit(o);
    return std::string(PlotMetrics(o).status().message());
  };
  EXPECT_THAT(error([](PlotToolOptions& o) { o.metrics.clear(); }),
              HasSubstr("--metrics is required"));
  EXPECT_THAT(error([](PlotToolOptions& o) { o.output_dir.clear(); }),
              HasSubstr("--output_dir is required"));
  EXPECT_THAT(error([](PlotToolOptions& o) {
                o.labels = {"x", "y"};
              }),
              HasSubstr("2 labels for 1 metrics files"));
  EXPECT_THAT(error([](PlotToolOptions& o) { o.x = "time"; }),
              HasSubstr("--x must be step or epoch, got 'time'"));
  EXPECT_THAT(error([](PlotToolOptions& o) { o.splits = {"test"}; }), HasSubstr("got 'test'"));
  EXPECT_THAT(error([](PlotToolOptions& o) { o.smooth = 0; }), HasSubstr("--smooth must be >= 1"));
  EXPECT_THAT(error([](PlotToolOptions& o) {
                o.keys = {"loss", "top5"};
              }),
              HasSubstr("unknown key 'top5': the train metrics hold accuracy, loss, lr"));
  EXPECT_THAT(error([](PlotToolOptions& o) { o.metrics.push_back(Tmp("nowhere/metrics.jsonl")); }),
              HasSubstr("nowhere/metrics.jsonl"));
  EXPECT_THAT(error([](PlotToolOptions& o) { o.metrics = {Tmp("empty_dir_that_is_missing")}; }),
              HasSubstr("empty_dir_that_is_missing"));
  EXPECT_FALSE(FileExists(Tmp("bad_out/loss.svg")));
  std::string empty = Tmp("empty.jsonl");
  ASSERT_TRUE(WriteFileAtomically(empty, "").ok());
  PlotToolOptions o = Options("bad_out");
  o.metrics = {empty};
  EXPECT_THAT(PlotMetrics(o).status().message(), HasSubstr("no train metrics in"));
}

}  // namespace
}  // namespace nas::tools
