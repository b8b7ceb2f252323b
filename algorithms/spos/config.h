// The configuration of the SPOS pipeline: one JSON file (--config) with a
// section per phase; every binary reads the sections it needs. A preset
// gives the defaults, any member overrides them (strict: unknown members are
// errors naming their path). Binaries read it through nas::JobMain
// (nas/jobs/job_main.h: --preset, --config, --set, flags).
//
//   {"preset": "fashion_mnist",
//    "space": {...ShuffleNetSpaceOptions...},
//    "data": {...nas::DataOptions...},
//    "supernet": {"trainer": {...TrainerOptions...}, "spos": {...SposTrainerOptions...}},
//    "evolution": {"tuner": {...SposEvolutionOptions...},
//                  "evaluation": {...SupernetEvaluationOptions...}, "flops_limit": 4.6e6,
//                  "latency_limit_ms": 1.0, "latency_batch": 1, "latency_table": ""},
//    "retrain": {"trainer": {...}, "lr": 0.1, "schedule": "linear_steps", ...},
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
#include "algorithms/spos/shufflenet_space.h"
#include "algorithms/spos/spos_trainer.h"
#include "nas/analysis/latency_budget.h"
#include "nas/jobs/data.h"
#include "nas/jobs/retrain_job.h"
#include "nas/train/supernet_evaluator.h"
#include "nas/train/trainer.h"
#include "nas/tuners/spos_evolution_tuner.h"

namespace nas::spos {

struct SupernetSection {
  TrainerOptions trainer;
  SposTrainerOptions spos;
};

struct EvolutionSection {
  SposEvolutionOptions tuner;
  SupernetEvaluationOptions evaluation;
  double flops_limit = 0;  // MACs; 0 = no limit
  // A predicted latency limit in milliseconds on this machine (a latency
  // table measured at latency_batch, nas/analysis/latency_table.h); 0 = no
  // limit.
  // JSON: latency_limit_ms (budget_ms), latency_batch, latency_table (the
  // table's file, "" = latency_table.json in the output folder: a table
  // measured once, e.g. by //tools:latency with the same space options and
  // batch, is reused, and measured again when its machine or key differs).
  LatencyBudget latency;
};

struct ReproduceSection {
  int random_architectures = 4;  // K, retrained with the same budget
};

struct SposConfig {
  std::string preset = "fashion_mnist";
  ShuffleNetSpaceOptions space;
  DataOptions data;
  SupernetSection supernet;
  EvolutionSection evolution;
  // The authors' recipe: SGD with momentum, linear decay to 0 per step,
  // weight decay on conv / FC weights only, label smoothing 0.1.
  RetrainSection retrain;
  ReproduceSection reproduce;
  uint64_t seed = 0;
};

// "fashion_mnist" or "paper"; NotFound listing them otherwise.
absl::StatusOr<SposConfig> SposPreset(const std::string& name);
absl::StatusOr<SposConfig> SposConfigFromJson(const Json& j, const std::string& source);
Json SposConfigToJson(const SposConfig& config);

// The registered space ("spos_shufflenet") with the configuration's options;
// `affine` false for the supernet (and for children inheriting from it).
Json SposSpaceOptions(const SposConfig& config, bool affine);

// The dataset's registry entry, or NotFound saying that the paper preset
// needs an ImageNet loader.
absl::Status CheckSposDataset(const SposConfig& config);

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_CONFIG_H_
