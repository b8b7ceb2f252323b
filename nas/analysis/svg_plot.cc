#include "nas/analysis/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "nas/base/file.h"

namespace nas {
namespace {

const char* const kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

std::string Escape(const std::string& s) {
  return absl::StrReplaceAll(s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

// Ticks at 1, 2 or 5 times a power of ten, about `target` of them.
std::vector<double> NiceTicks(double lo, double hi, int target) {
  double span = hi - lo;
  double raw = span / std::max(target, 1);
  double magnitude = std::pow(10, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  }
  return ticks;
}

std::string FormatTick(double v) {
  double a = std::abs(v);
  if (a != 0 && (a >= 1e6 || a < 1e-3)) return absl::StrFormat("%.3g", v);
  return absl::StrFormat("%.6g", v);
}

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  void finish() {
    if (!std::isfinite(lo)) lo = 0, hi = 1;
    if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi))) {
      double pad = std::max(std::abs(hi) * 0.05, 0.5);
      lo -= pad;
      hi += pad;
    } else {
      // A margin, so that points at the extremes do not sit on the frame.
      double pad = (hi - lo) * 0.04;
      lo -= pad;
      hi += pad;
    }
  }
};

}  // namespace

std::string PlotColor(size_t k) { return kPalette[k % (sizeof(kPalette) / sizeof(kPalette[0]))]; }

std::string RenderSvgPlot(const PlotOptions& o, const std::vector<PlotSeries>& series) {
  // The legend's width follows its longest label (about 7 px a character
  // at 12 px), within [150, half the plot].
  size_t longest = 0;
  for (const PlotSeries& s : series) {
    if (s.in_legend) longest = std::max(longest, s.label.size());
  }
  const double right = std::clamp(34.0 + 7.0 * longest, 150.0, std::max(150.0, o.width / 2.0));
  const double left = 72, top = o.title.empty() ? 20 : 40, bottom = 52;
  const double plot_w = std::max(50.0, o.width - left - right);
  const double plot_h = std::max(50.0, o.height - top - bottom);
  Range xr, yr;
  bool any = false;
  for (const PlotSeries& s : series) {
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      any = true;
      xr.add(s.x[i]);
      double e = i < s.y_error.size() && std::isfinite(s.y_error[i]) ? std::abs(s.y_error[i]) : 0;
      yr.add(s.y[i] - e);
      yr.add(s.y[i] + e);
    }
  }
  xr.finish();
  yr.finish();
  std::vector<double> xt = NiceTicks(xr.lo, xr.hi, 6), yt = NiceTicks(yr.lo, yr.hi, 5);
  // Axes span the ticks so that the first and last tick sit on the frame.
  double x0 = std::min(xr.lo, xt.front()), x1 = std::max(xr.hi, xt.back());
  double y0 = std::min(yr.lo, yt.front()), y1 = std::max(yr.hi, yt.back());
  auto px = [&](double x) { return left + (x - x0) / (x1 - x0) * plot_w; };
  auto py = [&](double y) { return top + plot_h - (y - y0) / (y1 - y0) * plot_h; };

  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" "
      "fill=\"white\"/>\n",
      o.width, o.height, o.width, o.height);
  if (!o.title.empty()) {
    absl::StrAppendFormat(
        &svg, "<text x=\"%.1f\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">%s</text>\n",
        left + plot_w / 2, Escape(o.title));
  }
  for (double t : xt) {
    absl::StrAppendFormat(
        &svg,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n"
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
        px(t), top, px(t), top + plot_h, px(t), top + plot_h + 16, FormatTick(t));
  }
  for (double t : yt) {
    absl::StrAppendFormat(
        &svg,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n"
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
        left, py(t), left + plot_w, py(t), left - 6, py(t) + 4, FormatTick(t));
  }
  absl::StrAppendFormat(&svg,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
                        "stroke=\"black\"/>\n",
                        left, top, plot_w, plot_h);
  absl::StrAppendFormat(&svg, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                        left + plot_w / 2, top + plot_h + 38, Escape(o.x_label));
  absl::StrAppendFormat(&svg,
                        "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 "
                        "16 %.1f)\">%s</text>\n",
                        top + plot_h / 2, top + plot_h / 2, Escape(o.y_label));
  if (!any) {
    absl::StrAppendFormat(
        &svg, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#888\">no data</text>\n",
        left + plot_w / 2, top + plot_h / 2);
  }
  int legend_row = 0;
  for (size_t k = 0; k < series.size(); ++k) {
    const PlotSeries& s = series[k];
    std::string color = s.color.empty() ? PlotColor(k) : s.color;
    bool line = s.style != PlotSeries::Style::kPoints;
    bool points = s.style != PlotSeries::Style::kLine;
    std::string opacity =
        s.opacity < 1 ? absl::StrFormat(" opacity=\"%.3g\"", std::max(0.0, s.opacity)) : "";
    std::string path;
    bool broken = true;  // the next point starts a new piece of line
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
        broken = true;
        continue;
      }
      double x = px(s.x[i]), y = py(s.y[i]);
      absl::StrAppendFormat(&path, "%s%.1f,%.1f", broken ? (path.empty() ? "M" : " M") : " L", x,
                            y);
      broken = false;
      if (points) {
        absl::StrAppendFormat(&svg, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"%s/>\n", x,
                              y, color, opacity);
      }
      if (i < s.y_error.size() && std::isfinite(s.y_error[i]) && s.y_error[i] != 0) {
        double e = std::abs(s.y_error[i]);
        absl::StrAppendFormat(
            &svg,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n"
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n"
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
            x, py(s.y[i] - e), x, py(s.y[i] + e), color, x - 4, py(s.y[i] - e), x + 4,
            py(s.y[i] - e), color, x - 4, py(s.y[i] + e), x + 4, py(s.y[i] + e), color);
      }
    }
    std::string dash = s.dashed ? " stroke-dasharray=\"6,4\"" : "";
    if (line && !path.empty()) {
      absl::StrAppendFormat(
          &svg, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.3g\"%s%s/>\n", path,
          color, s.stroke_width, dash, opacity);
    }
    if (!s.in_legend) continue;
    double ly = top + 14 + 18 * legend_row++;
    double lx = left + plot_w + 12;
    absl::StrAppendFormat(&svg,
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                          "stroke-width=\"3\"%s/>\n",
                          lx, ly - 4, lx + 16, ly - 4, color,
                          s.dashed ? " stroke-dasharray=\"4,2\"" : "");
    absl::StrAppendFormat(&svg, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", lx + 22, ly,
                          Escape(s.label));
  }
  svg += "</svg>\n";
  return svg;
}

namespace {

absl::Status CheckPlot(const PlotOptions& options, const std::vector<PlotSeries>& series) {
  for (const PlotSeries& s : series) {
    if (s.x.size() != s.y.size()) {
      return absl::InvalidArgumentError(absl::StrCat("plot series '", s.label, "': ", s.x.size(),
                                                     " x values but ", s.y.size(), " y values"));
    }
    if (!s.y_error.empty() && s.y_error.size() != s.y.size()) {
      return absl::InvalidArgumentError(absl::StrCat("plot series '", s.label,
                                                     "': ", s.y_error.size(), " error bars for ",
                                                     s.y.size(), " points"));
    }
  }
  if (options.width < 100 || options.height < 100) {
    return absl::InvalidArgumentError("a plot needs at least 100x100 pixels");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteSvgPlot(const std::string& path, const PlotOptions& options,
                          const std::vector<PlotSeries>& series) {
  absl::Status valid = CheckPlot(options, series);
  if (!valid.ok()) return valid;
  return WriteFileAtomically(path, RenderSvgPlot(options, series));
}

std::string RenderSvgGrid(const std::vector<PlotPanel>& panels, int columns) {
  columns = std::max(columns, 1);
  // Each row is as tall as its tallest panel, each column as wide as its
  // widest.
  std::vector<int> col_w(columns, 0), row_h((panels.size() + columns - 1) / columns, 0);
  for (size_t i = 0; i < panels.size(); ++i) {
    col_w[i % columns] = std::max(col_w[i % columns], panels[i].options.width);
    row_h[i / columns] = std::max(row_h[i / columns], panels[i].options.height);
  }
  int width = std::max(100, std::accumulate(col_w.begin(), col_w.end(), 0));
  int height = std::max(100, std::accumulate(row_h.begin(), row_h.end(), 0));
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d "
      "%d\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
      width, height, width, height);
  int y = 0;
  for (size_t r = 0; r < row_h.size(); ++r) {
    int x = 0;
    for (int c = 0; c < columns && r * columns + c < panels.size(); ++c) {
      const PlotPanel& panel = panels[r * columns + c];
      std::string inner = RenderSvgPlot(panel.options, panel.series);
      // Nested <svg> elements place each panel at its offset.
      svg += absl::StrFormat("<svg x=\"%d\" y=\"%d\"", x, y) + inner.substr(4);
      x += col_w[c];
    }
    y += row_h[r];
  }
  svg += "</svg>\n";
  return svg;
}

absl::Status WriteSvgGrid(const std::string& path, const std::vector<PlotPanel>& panels,
                          int columns) {
  if (columns < 1) return absl::InvalidArgumentError("a plot grid needs at least one column");
  for (const PlotPanel& panel : panels) {
    absl::Status valid = CheckPlot(panel.options, panel.series);
    if (!valid.ok()) return valid;
  }
  return WriteFileAtomically(path, RenderSvgGrid(panels, columns));
}

}  // namespace nas
