#include "nas/analysis/svg_plot.h"

#include <cmath>
#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/file.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

int Count(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(SvgPlotTest, DrawsSeriesTicksAndLegend) {
  PlotOptions o;
  o.title = "search <curve>";
  o.x_label = "generation";
  o.y_label = "accuracy";
  PlotSeries best{"best", {0, 1, 2, 3}, {0.5, 0.6, 0.7, 0.72}};
  PlotSeries points{"all", {0, 1, 2}, {0.4, 0.5, 0.55}, PlotSeries::Style::kPoints};
  points.y_error = {0.01, 0.02, 0.03};
  std::string svg = RenderSvgPlot(o, {best, points});
  EXPECT_THAT(svg, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_THAT(svg, HasSubstr("search &lt;curve&gt;"));  // escaped
  EXPECT_EQ(Count(svg, "<path "), 1);                   // one line series
  EXPECT_EQ(Count(svg, "<circle "), 3);                 // three points
  EXPECT_EQ(Count(svg, ">best</text>"), 1);
  EXPECT_EQ(Count(svg, ">all</text>"), 1);
  EXPECT_THAT(svg, HasSubstr(">0.5</text>"));  // a nice y tick
  EXPECT_THAT(svg, HasSubstr(">generation</text>"));
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

TEST(SvgPlotTest, DegenerateInputStillRenders) {
  PlotOptions o;
  EXPECT_THAT(RenderSvgPlot(o, {}), HasSubstr("no data"));
  PlotSeries flat{"flat", {1, 1}, {3, 3}};
  std::string svg = RenderSvgPlot(o, {flat});
  EXPECT_THAT(svg, Not(HasSubstr("nan")));
  EXPECT_THAT(svg, Not(HasSubstr("inf")));
  PlotSeries holes{"holes", {0, 1, 2}, {1, NAN, 2}};
  svg = RenderSvgPlot(o, {holes});
  EXPECT_THAT(svg, Not(HasSubstr("nan")));
  PlotSeries big{"flops", {3.1e8, 3.4e8}, {0.1, 0.2}, PlotSeries::Style::kPoints};
  EXPECT_THAT(RenderSvgPlot(o, {big}), HasSubstr("e+08"));
}

TEST(SvgPlotTest, WriteValidates) {
  std::string path = JoinPath(std::getenv("TEST_TMPDIR"), "plot.svg");
  PlotOptions o;
  EXPECT_THAT(WriteSvgPlot(path, o, {{"bad", {1, 2}, {1}}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("2 x values but 1 y values")));
  PlotSeries errors{"e", {1}, {1}};
  errors.y_error = {1, 2};
  EXPECT_THAT(
      WriteSvgPlot(path, o, {errors}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'e': 2 error bars for 1 points")));
  ASSERT_OK(WriteSvgPlot(path, o, {{"ok", {1, 2}, {3, 4}}}));
  EXPECT_THAT(*ReadFile(path), HasSubstr("<path "));
}

TEST(SvgPlotTest, StylesAndLegend) {
  PlotOptions o;
  PlotSeries raw{"raw", {0, 1, 2}, {3, 1, 2}};
  raw.color = PlotColor(0);
  raw.opacity = 0.25;
  raw.stroke_width = 1;
  raw.in_legend = false;
  PlotSeries smooth{"smoothed", {0, 1, 2}, {3, 2, 2}};
  smooth.color = PlotColor(0);
  PlotSeries valid{"a very long label for a validation curve", {0, 2}, {2.5, 1.5}};
  valid.dashed = true;
  std::string svg = RenderSvgPlot(o, {raw, smooth, valid});
  EXPECT_EQ(Count(svg, "<path "), 3);
  EXPECT_EQ(Count(svg, "stroke=\"" + PlotColor(0) + "\" stroke-width=\"1\" opacity=\"0.25\""), 1);
  EXPECT_EQ(Count(svg, "stroke-dasharray=\"6,4\""), 1);  // the dashed line
  EXPECT_EQ(Count(svg, "stroke-dasharray=\"4,2\""), 1);  // its legend sample
  EXPECT_EQ(Count(svg, ">raw</text>"), 0);               // not in the legend
  EXPECT_EQ(Count(svg, ">smoothed</text>"), 1);
  // The third series is the legend's second row.
  EXPECT_THAT(svg, HasSubstr("y=\"52.0\">a very long label for a validation curve</text>"));
  EXPECT_NE(PlotColor(0), PlotColor(1));
  EXPECT_EQ(PlotColor(0), PlotColor(8));
}

TEST(SvgPlotTest, NonFinitePointsBreakTheLine) {
  PlotOptions o;
  std::string svg = RenderSvgPlot(o, {{"gap", {0, 1, 2, 3}, {1, 2, INFINITY, 3}}});
  size_t d = svg.find("<path d=\"");
  ASSERT_NE(d, std::string::npos);
  std::string path = svg.substr(d, svg.find('"', d + 9) - d);
  EXPECT_EQ(Count(path, "M"), 2) << path;
  EXPECT_EQ(Count(path, " L"), 1) << path;
}

TEST(SvgPlotTest, GridPlacesPanels) {
  PlotPanel a, b, c;
  a.options.title = "loss";
  b.options.title = "accuracy";
  c.options.title = "lr";
  c.options.height = 300;
  a.series = {{"run", {0, 1}, {2, 1}}};
  std::string svg = RenderSvgGrid({a, b, c}, 2);
  EXPECT_THAT(svg, HasSubstr("width=\"1280\" height=\"700\""));  // rows of 400 and 300
  EXPECT_THAT(svg, HasSubstr("<svg x=\"0\" y=\"0\" xmlns="));
  EXPECT_THAT(svg, HasSubstr("<svg x=\"640\" y=\"0\" xmlns="));
  EXPECT_THAT(svg, HasSubstr("<svg x=\"0\" y=\"400\" xmlns="));
  EXPECT_EQ(Count(svg, "<svg "), 4);
  EXPECT_EQ(Count(svg, "</svg>"), 4);
  EXPECT_THAT(svg, HasSubstr(">accuracy</text>"));

  std::string path = JoinPath(std::getenv("TEST_TMPDIR"), "grid.svg");
  EXPECT_THAT(WriteSvgGrid(path, {a}, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at least one column")));
  PlotPanel bad;
  bad.series = {{"bad", {1, 2}, {1}}};
  EXPECT_THAT(WriteSvgGrid(path, {a, bad}, 2),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("2 x values but 1 y values")));
  ASSERT_OK(WriteSvgGrid(path, {a, b}, 1));
  EXPECT_THAT(*ReadFile(path), HasSubstr("height=\"800\""));
}

}  // namespace
}  // namespace nas
