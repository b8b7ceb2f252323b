#include "nas/analysis/ranking.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace nas {

absl::StatusOr<double> KendallTau(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Kendall's tau: ", a.size(), " vs ", b.size(), " values"));
  }
  if (a.size() < 2) return absl::InvalidArgumentError("Kendall's tau needs at least 2 items");
  for (size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) {
      return absl::InvalidArgumentError(absl::StrCat("Kendall's tau: item ", i, " is not finite"));
    }
  }
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

}  // namespace nas
