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

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "algorithms/darts/config.h"
#include "algorithms/darts/darts_trainer.h"
#include "algorithms/darts/genotype.h"
#include "datasets/loader.h"
#include "nas/core/architecture.h"
#include "nas/jobs/supernet_job.h"
#include "nas/train/trainer.h"

namespace nas::darts {

// DartsTrainer on the supernet job's inputs (any space DartsTrainer takes),
// with its three loaders: weights on data.train (loader seed = the job's
// seed), alphas on data.valid (seed + 1), validation on data.valid in
// order; all sharded over ranks. The search job and the benchmark's
// one-shot methods use it.
// softmax(alpha) per choice key, by operation name:
// {"e0_1": {"none": 0.1, "skip_connect": 0.3, ...}, ...}.
Json AlphasJson(DartsMutator& mutator);

class DartsSupernetSearch : public SupernetSearch {
 public:
  DartsSupernetSearch(SupernetInputs& in, DartsTrainerOptions options);

  Trainer& trainer() override { return trainer_; }
  std::optional<Architecture> exported() override;

  DartsTrainer& darts_trainer() { return trainer_; }
  datasets::DataLoader* train_loader() { return train_.get(); }
  datasets::DataLoader* valid_loader() { return valid_.get(); }

 private:
  std::unique_ptr<datasets::DataLoader> train_, arch_, valid_;
  DartsTrainer trainer_;
};

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
