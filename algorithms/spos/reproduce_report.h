// The Markdown report of the SPOS reproduction (:reproduce writes it as
// report.md next to report.json): the result table (best and random
// architectures: choices, supernet and test accuracy, FLOPs, parameters),
// best vs random with the margin in standard deviations, Kendall's tau, the
// time per phase and the search curve per generation. Its input is
// report.json's content (reproduce_job.cc builds it).
#ifndef ALGORITHMS_SPOS_REPRODUCE_REPORT_H_
#define ALGORITHMS_SPOS_REPRODUCE_REPORT_H_

#include <string>

#include "absl/status/status.h"
#include "nas/base/json.h"

namespace nas::spos {

// Writes `report` as Markdown to `path` atomically.
absl::Status WriteReproduceReport(const Json& report, const std::string& path);

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_REPRODUCE_REPORT_H_
