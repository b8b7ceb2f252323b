// Rank agreement between two scorings of the same items, e.g. supernet
// accuracy vs stand-alone accuracy of K architectures: the standard trust
// check of one-shot NAS (Kendall's tau near 1: the supernet ranks like
// training does; near 0: it does not).
#ifndef NAS_ANALYSIS_RANKING_H_
#define NAS_ANALYSIS_RANKING_H_

#include <vector>

#include "absl/status/statusor.h"

namespace nas {

// Kendall's tau-b (ties in either list handled). Needs two lists of equal
// length >= 2 with finite values; a list whose values are all equal has no
// ranking (an error).
absl::StatusOr<double> KendallTau(const std::vector<double>& a, const std::vector<double>& b);

// Spearman's rho: Pearson's correlation of the ranks (ties get their
// average rank). The same requirements as KendallTau.
absl::StatusOr<double> SpearmanRho(const std::vector<double>& a, const std::vector<double>& b);

// Kendall's tau-b over the items whose `truth` is in its top `fraction`
// (the best ceil(fraction * n) by `truth`, at least 2): does an estimator
// still rank the good region, where a search decides?
absl::StatusOr<double> KendallTauInTop(const std::vector<double>& estimate,
                                       const std::vector<double>& truth, double fraction);

// The ranks of `values`, 1 = the largest, ties averaged (1-based).
std::vector<double> DescendingRanks(const std::vector<double>& values);

}  // namespace nas

#endif  // NAS_ANALYSIS_RANKING_H_
