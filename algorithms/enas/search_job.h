// The ENAS search (:search): the shared supernet job (nas/jobs/supernet_job.h)
// with EnasTrainer, which trains the shared weights and the controller
// (enas_trainer.h); then, on every rank, the export: controller samples,
// the greedy architecture and uniform random ones scored on the validation
// split with the trained weights.
//
// Writes into output_dir:
//   config.json, search_space.json     what ran
//   metrics.jsonl, tensorboard/, checkpoints   (the trainer base)
//   best_architecture.json   the best of export_samples controller samples,
//                            scored on the validation split (the export)
//   greedy_architecture.json the controller's most likely architecture
//   export.json              the scores: best, greedy, mean of the samples,
//                            mean and best of as many uniformly random
//                            architectures with the same shared weights,
//                            and the controller's mean reward per epoch
//   supernet.pt              the shared weights
//
// Seeds, from config.seed: the space's weights and the train / valid split
// (seed), the shared-weight batches (seed + 1), the controller's reward
// batches (seed + 2), the random architectures of the export (seed + 3);
// the controller is seeded by seed.
#ifndef ALGORITHMS_ENAS_SEARCH_JOB_H_
#define ALGORITHMS_ENAS_SEARCH_JOB_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "algorithms/enas/config.h"
#include "algorithms/enas/enas_trainer.h"
#include "nas/jobs/supernet_job.h"

namespace nas::enas {

struct SearchResult {
  EnasExport exported;
  std::vector<double> epoch_rewards;  // valid/reward of every epoch so far
  double seconds = 0;
  SupernetJobResult job;  // the trained search (its supernet stays usable)
};

Json SearchResultToJson(const SearchResult& result);

absl::StatusOr<SearchResult> RunSearchJob(const EnasConfig& config, const std::string& output_dir,
                                          bool resume);

// The same search with the supernet job's options given (space, data,
// seeds, trainer, budget: what config's members would set); config.search
// gives the ENAS options and the export. The benchmark's one-shot method
// runs it.
absl::StatusOr<SearchResult> RunSearchJob(const EnasConfig& config, const SupernetJobOptions& job,
                                          const std::string& output_dir, bool resume);

}  // namespace nas::enas

#endif  // ALGORITHMS_ENAS_SEARCH_JOB_H_
