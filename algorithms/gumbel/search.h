// The search job of the gumbel package (:search): builds a registered space
// (gumbel_cnn by default), loads a registered dataset, splits train/valid,
// trains weights and architecture logits jointly with GumbelTrainer
// (data-parallel when launched with several processes), and writes into
// output_dir:
//
//   config.json          the resolved options
//   metrics.jsonl        train/valid metrics (and tensorboard/)
//   checkpoints/         for --resume
//   supernet.pt          the trained weights (nas::SaveWeights format)
//   arch.json            the exported (argmax) architecture
//   probabilities.json   per choice: softmax (or sigmoid) of its logits
#ifndef ALGORITHMS_GUMBEL_SEARCH_H_
#define ALGORITHMS_GUMBEL_SEARCH_H_

#include <string>

#include "absl/status/status.h"
#include "algorithms/gumbel/gumbel_trainer.h"
#include "nas/base/json.h"
#include "nas/train/trainer.h"

namespace nas::gumbel {

struct SearchJobOptions {
  std::string space = "gumbel_cnn";
  Json space_options = Json::object();
  std::string dataset = "fashion_mnist";
  std::string data_dir;
  int64_t synthetic_size = 2048;
  double train_fraction = 0.9;
  int64_t batch_size = 64;
  int workers = 2;
  uint64_t seed = 0;
  TrainerOptions trainer;
  GumbelTrainerOptions optimizer;
};

absl::Status SearchJobOptionsFromJson(const Json& j, SearchJobOptions* out);
Json SearchJobOptionsToJson(const SearchJobOptions& options);

absl::Status RunSearchJob(SearchJobOptions options);

}  // namespace nas::gumbel

#endif  // ALGORITHMS_GUMBEL_SEARCH_H_
