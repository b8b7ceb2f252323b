// The supernet training job of the random package (:train): the shared
// supernet job (nas/jobs/supernet_job.h) with RandomTrainer, which trains
// one uniformly random path per step. Writes into output_dir:
//
//   config.json       the resolved configuration
//   metrics.jsonl     train/valid metrics (and tensorboard/)
//   checkpoints/      for --resume
//   supernet.pt       the trained weights (nas::SaveWeights format)
//   arch.json         an exported (random) architecture
//
// The configuration (nas/jobs/supernet_config.h), section "optimizer":
//
//   {"preset": "default", "space": "small_cnn", "space_options": {},
//    "data": {...}, "trainer": {"epochs": 5, ...},
//    "optimizer": {"lr": 0.05, "min_lr": 0.001, "momentum": 0.9,
//                  "weight_decay": 3e-4, "clip_norm": 5}, "seed": 0}
#ifndef ALGORITHMS_RANDOM_TRAIN_JOB_H_
#define ALGORITHMS_RANDOM_TRAIN_JOB_H_

#include <string>

#include "absl/status/statusor.h"
#include "algorithms/random/random_trainer.h"
#include "nas/jobs/supernet_config.h"

namespace nas::random {

using TrainConfig = SupernetConfig<RandomTrainerOptions>;

// Presets: "default" (small_cnn on Fashion-MNIST, 5 epochs).
const SupernetConfigSchema<RandomTrainerOptions>& TrainConfigSchema();

absl::StatusOr<SupernetJobResult> RunTrainJob(const TrainConfig& config,
                                              const std::string& output_dir, bool resume);

}  // namespace nas::random

#endif  // ALGORITHMS_RANDOM_TRAIN_JOB_H_
