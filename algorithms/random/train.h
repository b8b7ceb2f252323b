// The supernet training job of the random package (:train): builds a
// registered space, loads a registered dataset, splits train/valid, trains
// with RandomTrainer (data-parallel when launched with several processes),
// and writes into output_dir:
//
//   config.json       the resolved options
//   metrics.jsonl     train/valid metrics (and tensorboard/)
//   checkpoints/      for --resume
//   supernet.pt       the trained weights (nas::SaveWeights format)
//   arch.json         an exported (random) architecture
#ifndef ALGORITHMS_RANDOM_TRAIN_H_
#define ALGORITHMS_RANDOM_TRAIN_H_

#include <string>

#include "absl/status/status.h"
#include "algorithms/random/random_trainer.h"
#include "nas/base/json.h"
#include "nas/train/trainer.h"

namespace nas::random {

struct TrainJobOptions {
  std::string space = "small_cnn";
  Json space_options = Json::object();
  std::string dataset = "fashion_mnist";
  std::string data_dir;
  int64_t synthetic_size = 2048;
  double train_fraction = 0.9;
  int64_t batch_size = 64;
  int workers = 2;
  uint64_t seed = 0;
  TrainerOptions trainer;
  RandomTrainerOptions optimizer;
};

absl::Status TrainJobOptionsFromJson(const Json& j, TrainJobOptions* out);
Json TrainJobOptionsToJson(const TrainJobOptions& options);

absl::Status RunTrainJob(TrainJobOptions options);

}  // namespace nas::random

#endif  // ALGORITHMS_RANDOM_TRAIN_H_
