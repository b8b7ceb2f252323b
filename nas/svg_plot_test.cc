#include "nas/svg_plot.h"

#include <cmath>
#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/file.h"

namespace nas {
namespace {

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
  EXPECT_THAT(WriteSvgPlot(path, o, {{"bad", {1, 2}, {1}}}).message(), HasSubstr("2 x values but 1 y values"));
  PlotSeries errors{"e", {1}, {1}};
  errors.y_error = {1, 2};
  EXPECT_FALSE(WriteSvgPlot(path, o, {errors}).ok());
  ASSERT_TRUE(WriteSvgPlot(path, o, {{"ok", {1, 2}, {3, 4}}}).ok());
  EXPECT_THAT(*ReadFile(path), HasSubstr("<path "));
}

}  // namespace
}  // namespace nas
