// The configuration of the SPOS pipeline: one JSON file (--config) with a
// section per phase; every binary reads the sections it needs. A preset
// gives the defaults, any member overrides them (strict: unknown members are
// errors naming their path).
//
//   {"preset": "fashion_mnist",
//    "space": {...ShuffleNetSpaceOptions...},
//    "data": {"dataset": "fashion_mnist", "batch_size": 128, ...},
//    "supernet": {"trainer": {...TrainerOptions...}, "spos": {...SposTrainerOptions...}},
//    "evolution": {"tuner": {...SposEvolutionOptions...}, "evaluation": {...},
//                  "flops_limit": 4.6e6},
//    "retrain": {"trainer": {...}, "lr": 0.1, ...},
//    "reproduce": {"random_architectures": 4},
//    "seed": 0}
//
// Presets: "fashion_mnist" (the default; the whole pipeline in under 20
// minutes on 2 CPU cores) and "paper" (the authors' ImageNet settings:
// 224x224 ShuffleNetV2 space, batch 1024, 150k iterations at lr 0.5,
// population 50 x 20 generations, FLOPs limit 330M; needs an ImageNet
// loader registered as "imagenet" and GPUs).
#ifndef ALGORITHMS_SPOS_CONFIG_H_
#define ALGORITHMS_SPOS_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "algorithms/spos/candidate_evaluator.h"
#include "algorithms/spos/shufflenet_space.h"
#include "nas/tuners/spos_evolution_tuner.h"
#include "algorithms/spos/spos_trainer.h"
#include "nas/train/trainer.h"

namespace nas::spos {

struct DataOptions {
  std::string dataset = "fashion_mnist";
  std::string data_dir;           // "" = the dataset's default
  int64_t synthetic_size = 2048;  // the "synthetic" dataset only
  double train_fraction = 0.9;    // supernet training vs search validation
  int64_t batch_size = 128;
  int workers = 2;
};

struct SupernetJobOptions {
  TrainerOptions trainer;
  SposTrainerOptions spos;
};

struct EvolutionJobOptions {
  SposEvolutionOptions tuner;
  CandidateEvaluationOptions evaluation;
  double flops_limit = 0;  // MACs; 0 = no limit
};

struct RetrainJobOptions {
  TrainerOptions trainer;
  double lr = 0.1;  // linear decay to 0 per step, as the supernet
  double momentum = 0.9;
  double weight_decay = 4e-5;
  double label_smoothing = 0.1;
};

struct ReproduceOptions {
  int random_architectures = 4;  // K, retrained with the same budget
};

struct SposConfig {
  std::string preset = "fashion_mnist";
  ShuffleNetSpaceOptions space;
  DataOptions data;
  SupernetJobOptions supernet;
  EvolutionJobOptions evolution;
  RetrainJobOptions retrain;
  ReproduceOptions reproduce;
  uint64_t seed = 0;
};

// "fashion_mnist" or "paper"; NotFound listing them otherwise.
absl::StatusOr<SposConfig> SposPreset(const std::string& name);
absl::StatusOr<SposConfig> SposConfigFromJson(const Json& j, const std::string& source);
Json SposConfigToJson(const SposConfig& config);

// --config (a file; "" = the preset) then --preset; flags override later.
absl::StatusOr<SposConfig> LoadSposConfig(const std::string& path, const std::string& preset);

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_CONFIG_H_
