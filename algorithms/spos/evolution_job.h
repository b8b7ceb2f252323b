// Phase 2 of SPOS (:evolution): the authors' evolutionary search
// (spos_evolution_tuner.h) over the supernet's space, run by the tuner
// driver with an in-process evaluator: each candidate's path is set on the
// trained supernet, BN statistics are recalibrated on training batches and
// top-1 accuracy is measured on the held-out part of the training set.
// Candidates over the FLOPs limit, or over the latency limit predicted by
// a latency table measured on this machine (nas/analysis/latency_table.h),
// are never proposed.
//
// Writes into output_dir (resumable with --resume: a killed search
// continues and never evaluates a candidate twice):
//   history.jsonl            every candidate: parameters, accuracy, and in
//                            "metrics" its flops, params, loss and generation
//                            (and latency_ms with a latency limit)
//   latency_table.json       with a latency limit: the table (kept, so a
//                            resumed search applies the same constraint)
//   best_architecture.json   the best candidate (a plain architecture file)
//   summary.json, search.svg (best / mean accuracy per generation),
//   flops.svg (accuracy vs FLOPs of every candidate)
#ifndef ALGORITHMS_SPOS_EVOLUTION_JOB_H_
#define ALGORITHMS_SPOS_EVOLUTION_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "algorithms/spos/config.h"
#include "nas/core/architecture.h"
#include "nas/multi_trial/tuner_driver.h"

namespace nas::spos {

struct EvolutionResult {
  SearchSummary summary;
  Architecture best;
  double best_flops = 0;
  double best_params = 0;
  double best_latency_ms = 0;  // predicted; 0 without a latency limit
  double seconds = 0;
};

absl::StatusOr<EvolutionResult> RunEvolutionJob(const SposConfig& config,
                                                const std::string& supernet_path,
                                                const std::string& output_dir, bool resume);

// The supernet accuracy of each architecture, scored exactly as the search
// scores candidates (for the reproduction's ranking check).
absl::StatusOr<std::vector<double>> ScoreOnSupernet(const SposConfig& config,
                                                    const std::string& supernet_path,
                                                    const std::vector<Architecture>& archs);

// Per generation: best and mean accuracy, from an evolution history; and
// the plots. Used by the job and by the reproduction report.
struct GenerationStats {
  std::vector<double> generation, best, mean, best_so_far;
};
GenerationStats GenerationStatsFromHistory(const std::vector<Json>& history);
absl::Status WriteEvolutionPlots(const std::vector<Json>& history, const std::string& output_dir);

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_EVOLUTION_JOB_H_
