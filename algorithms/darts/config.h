// The configuration of the DARTS package, shared by its four binaries: one
// JSON document with a section per binary; a preset gives the defaults, any
// member overrides them (strict: unknown members are errors naming their
// JSON path).
//
//   {"preset": "fashion_mnist",
//    "data": {...nas::DataOptions (nas/jobs/data.h)...},
//    "search": {"network": {...DartsNetworkOptions...}, "trainer": {...TrainerOptions...},
//               "darts": {...DartsTrainerOptions...}, "selection": "alpha",
//               "perturbation": {...PerturbationOptions...}},
//    "retrain": {"network": {...}, "trainer": {...}, "batch_size": 96, "lr": 0.025, ...},
//    "trial": {"network": {...}, "steps": 200, ...},
//    "evolution": {"population": 16, "sample_size": 4, "max_trials": 48, "parallel": 2},
//    "seed": 0}
//
// The data (nas/jobs/data.h): the search trains the weights on data.train
// and the alphas on data.valid (the rest of the training set after
// train_fraction; capped by train_examples / valid_examples); trials train
// on data.train and score on data.valid; retraining uses the whole training
// set and scores the test set.
//
// Read by nas::JobMain (nas/jobs/job_main.h): --config, --preset and
// --set=path=value over the preset, then the binaries' flags.
//
// Presets:
//   fashion_mnist (default): a search network of 5 cells x 8 channels, 2
//     epochs over 2000 + 2000 training examples (data.train_fraction 0.5,
//     train_examples 2000, valid_examples 2000), about 6 minutes first
//     order / 15 second order on 2 CPU cores; retraining 8 cells x 16
//     channels for 3 epochs on the whole training set.
//   paper: the authors' CIFAR-10 settings (search 50 epochs, batch 64, 8
//     cells x 16 on the two halves of the training set; evaluation 600
//     epochs, batch 96, 20 cells x 36, cutout 16, drop-path 0.2, auxiliary
//     0.4). Needs CIFAR-10 (datasets/cifar10.h) and a GPU to finish in days
//     rather than weeks.
#ifndef ALGORITHMS_DARTS_CONFIG_H_
#define ALGORITHMS_DARTS_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "algorithms/darts/darts_space.h"
#include "algorithms/darts/darts_trainer.h"
#include "algorithms/darts/perturbation.h"
#include "nas/base/json.h"
#include "nas/jobs/data.h"
#include "nas/train/trainer.h"

namespace nas::darts {

struct SearchOptions {
  DartsNetworkOptions network;
  TrainerOptions trainer;
  DartsTrainerOptions darts;
  // How the cell is chosen after the search: "alpha" (DARTS's genotype rule
  // on the alphas) or "perturbation" (DARTS-PT, perturbation.h: one process
  // only; tune_steps -1 = a quarter of the search's steps over the gaps).
  std::string selection = "alpha";
  PerturbationOptions perturbation;
};

struct RetrainOptions {
  DartsNetworkOptions network;
  TrainerOptions trainer;
  int64_t batch_size = 96;
  double lr = 0.025;  // cosine to 0
  double momentum = 0.9;
  double weight_decay = 3e-4;
  double grad_clip = 5;
  double auxiliary_weight = 0.4;
  double drop_path_prob = 0.2;  // ramped linearly from 0 over the epochs
  int cutout = 16;
};

// One trial of the evolution baseline: the found cell in a small network,
// trained briefly on the search's training half, scored on its other half.
struct TrialOptions {
  DartsNetworkOptions network;
  int64_t steps = 200;
  double lr = 0.05;  // SGD momentum 0.9, cosine to 0
  double weight_decay = 3e-4;
};

// Regularized (aging) evolution over the same cell space.
struct EvolutionOptions {
  int64_t population = 16;
  int64_t sample_size = 4;
  int64_t max_trials = 48;
  double max_duration =
      0;  // seconds, 0 = no limit (use DARTS' search time for a same-budget comparison)
  int parallel = 2;
};

struct DartsConfig {
  std::string preset = "fashion_mnist";
  DataOptions data;
  SearchOptions search;
  RetrainOptions retrain;
  TrialOptions trial;
  EvolutionOptions evolution;
  uint64_t seed = 0;
};

// "fashion_mnist" or "paper"; NotFound listing them otherwise.
absl::StatusOr<DartsConfig> DartsPreset(const std::string& name);
// The document's "preset" (default fashion_mnist), then its members over it
// (strict; errors name `source`'s JSON paths), validated.
absl::StatusOr<DartsConfig> DartsConfigFromJson(const Json& j, const std::string& source);
Json DartsConfigToJson(const DartsConfig& config);

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_CONFIG_H_
