// The DARTS search (:search): the shared supernet job
// (nas/jobs/supernet_job.h) on the "darts_cell" space (the search network of
// config.search.network) with DartsTrainer, which trains the weights on
// data.train and the alphas on data.valid (nas/jobs/data.h; the preset:
// two halves of 2000 examples). Writes into output_dir:
//
//   config.json        the resolved configuration
//   metrics.jsonl      train / valid metrics (valid: supernet_accuracy,
//   tensorboard/         discrete_accuracy, param_free_share, ...)
//   checkpoints/       for --resume
//   genotypes.jsonl    the genotype after every epoch (collapse watch)
//   supernet.pt        the search network's weights
//   architecture.json  the exported architecture (input of :retrain)
//   genotype.txt       the authors' Genotype(...) text
//   cells.dot / .svg   the two cells (SVG when Graphviz is installed)
//   alphas.json        softmax(alpha) per edge, by operation name
//   result.json        final validation, genotype, parameter-free share,
//                      unrolled, seconds
//
// Data-parallel when launched with several processes (//tools:launch).
#ifndef ALGORITHMS_DARTS_SEARCH_JOB_H_
#define ALGORITHMS_DARTS_SEARCH_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "algorithms/darts/config.h"
#include "algorithms/darts/genotype.h"
#include "nas/core/architecture.h"
#include "nas/train/trainer.h"

namespace nas::darts {

struct SearchResult {
  Metrics validation;
  Genotype genotype;
  Architecture architecture;
  double seconds = 0;
};

absl::StatusOr<SearchResult> RunSearchJob(const DartsConfig& config, const std::string& output_dir,
                                          bool resume);

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_SEARCH_JOB_H_
