// The search job of the gumbel package (:search): the shared supernet job
// (nas/jobs/supernet_job.h) with GumbelTrainer, which trains the weights and
// the architecture logits jointly. Writes into output_dir:
//
//   config.json          the resolved configuration
//   metrics.jsonl        train/valid metrics (and tensorboard/)
//   checkpoints/         for --resume
//   supernet.pt          the trained weights (nas::SaveWeights format)
//   arch.json            the exported (argmax) architecture
//   probabilities.json   per choice: softmax (or sigmoid) of its logits
//
// The configuration (nas/jobs/supernet_config.h), section "optimizer"
// (GumbelTrainerOptions). The default space is small_cnn with four
// operations per layer (conv3x3, conv5x5, maxpool3x3, identity).
#ifndef ALGORITHMS_GUMBEL_SEARCH_JOB_H_
#define ALGORITHMS_GUMBEL_SEARCH_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "algorithms/gumbel/gumbel_trainer.h"
#include "nas/jobs/supernet_config.h"

namespace nas::gumbel {

using SearchConfig = SupernetConfig<GumbelTrainerOptions>;

// Presets: "default".
const SupernetConfigSchema<GumbelTrainerOptions>& SearchConfigSchema();

absl::StatusOr<SupernetJobResult> RunSearchJob(const SearchConfig& config,
                                               const std::string& output_dir, bool resume);

}  // namespace nas::gumbel

#endif  // ALGORITHMS_GUMBEL_SEARCH_JOB_H_
