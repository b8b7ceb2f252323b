// A small SVG plot writer for reports and tools: line and scatter series on
// linear axes with "nice" ticks, a legend, optional error bars. No
// dependencies; the output opens in any browser.
//
//   nas::PlotOptions plot;
//   plot.title = "evolution";
//   plot.x_label = "generation";
//   plot.y_label = "top-1 accuracy";
//   nas::PlotSeries best{"best", generations, best_accuracy};
//   NAS_RETURN_IF_ERROR(nas::WriteSvgPlot("search.svg", plot, {best}));
#ifndef NAS_ANALYSIS_SVG_PLOT_H_
#define NAS_ANALYSIS_SVG_PLOT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace nas {

struct PlotSeries {
  enum class Style { kLine, kPoints, kLinePoints };
  PlotSeries() = default;
  PlotSeries(std::string label, std::vector<double> x, std::vector<double> y,
             Style style = Style::kLine)
      : label(std::move(label)), x(std::move(x)), y(std::move(y)), style(style) {}

  std::string label;
  std::vector<double> x;
  std::vector<double> y;
  Style style = Style::kLine;
  std::vector<double> y_error;  // empty, or one half-height per point
  std::string color;            // empty: the palette's colour of its position (PlotColor)
  double stroke_width = 2;      // of the line
  double opacity = 1;     // of the line and points (e.g. 0.25 for raw data under a smoothed line)
  bool dashed = false;    // a dashed line (e.g. validation next to training)
  bool in_legend = true;  // false: drawn, but not listed in the legend
};

struct PlotOptions {
  std::string title;
  std::string x_label;
  std::string y_label;
  int width = 640;
  int height = 400;
};

// The palette colour the k-th series gets when it has no colour of its own
// (cycles through 8 colours); lets two series share a colour on purpose.
std::string PlotColor(size_t k);

// The SVG document. Non-finite points are skipped (a line breaks there); an
// empty plot still renders (axes and a note). The legend, on the right,
// widens for long labels.
std::string RenderSvgPlot(const PlotOptions& options, const std::vector<PlotSeries>& series);

// Several plots in one SVG, `columns` per row, each at its own size.
struct PlotPanel {
  PlotOptions options;
  std::vector<PlotSeries> series;
};
std::string RenderSvgGrid(const std::vector<PlotPanel>& panels, int columns);

// Validates (x and y of equal length, y_error empty or as long) and writes
// atomically.
absl::Status WriteSvgPlot(const std::string& path, const PlotOptions& options,
                          const std::vector<PlotSeries>& series);

// The same checks for every panel; columns >= 1.
absl::Status WriteSvgGrid(const std::string& path, const std::vector<PlotPanel>& panels,
                          int columns);

}  // namespace nas

#endif  // NAS_ANALYSIS_SVG_PLOT_H_
