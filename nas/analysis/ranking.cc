#include "nas/analysis/ranking.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"

namespace nas {

namespace {

absl::Status CheckPairs(const std::vector<double>& a, const std::vector<double>& b,
                        const char* name) {
  if (a.size() != b.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": ", a.size(), " vs ", b.size(), " values"));
  }
  if (a.size() < 2)
    return absl::InvalidArgumentError(absl::StrCat(name, " needs at least 2 items"));
  for (size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": item ", i, " is not finite"));
    }
  }
  auto constant = [](const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [&](double x) { return x == v[0]; });
  };
  if (constant(a) || constant(b)) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": a list has all values equal"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<double> KendallTau(const std::vector<double>& a, const std::vector<double>& b) {
  absl::Status checked = CheckPairs(a, b, "Kendall's tau");
  if (!checked.ok()) return checked;
  // O(n^2): the lists are architectures, tens or hundreds of them.
  double concordant = 0, discordant = 0, ties_a = 0, ties_b = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t j = i + 1; j < a.size(); ++j) {
      double da = a[i] - a[j], db = b[i] - b[j];
      if (da == 0 && db == 0) continue;
      if (da == 0) {
        ++ties_a;
      } else if (db == 0) {
        ++ties_b;
      } else if ((da > 0) == (db > 0)) {
        ++concordant;
      } else {
        ++discordant;
      }
    }
  }
  double denominator =
      std::sqrt((concordant + discordant + ties_a) * (concordant + discordant + ties_b));
  if (denominator == 0)
    return absl::InvalidArgumentError("Kendall's tau: a list has all values equal");
  return (concordant - discordant) / denominator;
}

std::vector<double> DescendingRanks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t i, size_t j) { return values[i] > values[j]; });
  std::vector<double> ranks(values.size());
  for (size_t k = 0; k < order.size();) {
    size_t end = k;
    while (end + 1 < order.size() && values[order[end + 1]] == values[order[k]]) ++end;
    const double average = (k + end) / 2.0 + 1;
    for (size_t m = k; m <= end; ++m) ranks[order[m]] = average;
    k = end + 1;
  }
  return ranks;
}

absl::StatusOr<double> SpearmanRho(const std::vector<double>& a, const std::vector<double>& b) {
  absl::Status checked = CheckPairs(a, b, "Spearman's rho");
  if (!checked.ok()) return checked;
  std::vector<double> ra = DescendingRanks(a), rb = DescendingRanks(b);
  const double n = static_cast<double>(a.size());
  double mean = (n + 1) / 2, cov = 0, va = 0, vb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    cov += (ra[i] - mean) * (rb[i] - mean);
    va += (ra[i] - mean) * (ra[i] - mean);
    vb += (rb[i] - mean) * (rb[i] - mean);
  }
  return cov / std::sqrt(va * vb);
}

absl::StatusOr<double> KendallTauInTop(const std::vector<double>& estimate,
                                       const std::vector<double>& truth, double fraction) {
  if (estimate.size() != truth.size()) {
    return absl::InvalidArgumentError(absl::StrCat("Kendall's tau in the top: ", estimate.size(),
                                                   " vs ", truth.size(), " values"));
  }
  if (!(fraction > 0 && fraction <= 1)) {
    return absl::InvalidArgumentError("Kendall's tau in the top: the fraction must be in (0, 1]");
  }
  std::vector<size_t> order(truth.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t i, size_t j) { return truth[i] > truth[j]; });
  size_t k = std::max<size_t>(2, static_cast<size_t>(std::ceil(fraction * truth.size())));
  k = std::min(k, truth.size());
  std::vector<double> e, t;
  for (size_t i = 0; i < k; ++i) {
    e.push_back(estimate[order[i]]);
    t.push_back(truth[order[i]]);
  }
  return KendallTau(e, t);
}

}  // namespace nas
