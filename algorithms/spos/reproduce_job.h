// :reproduce — the whole SPOS pipeline in one command, then a report:
//
//   1. supernet      train the supernet                    out/supernet/
//   2. evolution     evolutionary search on it             out/evolution/
//   3. random        K random architectures of the space (same FLOPs limit),
//                    scored on the supernet like the search's candidates
//   4. retrain       the best and the K random ones, each from scratch with
//                    the same budget                        out/retrain/{best,random_<i>}/
//   5. report        out/report.md, out/report.json, out/*.svg
//
// The report: the search curve, best vs random (mean ± std of test
// accuracy), FLOPs and parameters of each, the time of each phase, and
// Kendall's tau between supernet accuracy and stand-alone accuracy over the
// K + 1 architectures (does the supernet rank like training does?).
//
// --resume continues where a killed run stopped: finished phases are kept
// (supernet.pt, the evolution history, each retrain's result.json), the
// interrupted one resumes from its checkpoint or history.
#ifndef ALGORITHMS_SPOS_REPRODUCE_JOB_H_
#define ALGORITHMS_SPOS_REPRODUCE_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "algorithms/spos/config.h"
#include "nas/base/json.h"

namespace nas::spos {

// Returns report.json's content.
absl::StatusOr<Json> RunReproduceJob(const SposConfig& config, const std::string& output_dir,
                                     bool resume);

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_REPRODUCE_JOB_H_
