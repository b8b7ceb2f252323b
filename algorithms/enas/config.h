// The configuration of the ENAS binaries :search and :retrain (and, at the
// end, the defaults of :trial): one JSON document with a section per phase,
// read by nas::JobMain (nas/jobs/job_main.h: --config, --preset, --set, the
// common flags, --print_config). A preset gives the defaults and any member
// overrides them (strict: unknown members are errors naming their JSON path).
//
//   {"preset": "fashion_mnist",
//    "space": "enas_macro", "space_options": {...MacroSpaceOptions...},
//    "data": {...nas::DataOptions (nas/jobs/data.h)...},
//    "search": {"trainer": {...TrainerOptions...}, "enas": {...EnasTrainerOptions...},
//               "export_samples": 100, "random_samples": 100, "export_batches": 2},
//    "retrain": {"trainer": {...TrainerOptions...}, "lr": 0.05, "min_lr": 0, "momentum": 0.9,
//                "weight_decay": 1e-4, "grad_clip": 5, ...ClassifierTrainerOptions...},
//    "seed": 0}
//
// "data": data.train_examples caps the shared-weight part of the split;
// data.valid_batch_size is one controller reward's batch; the validation
// part also feeds the export's scores (eval_batch_size). "space_options"
// is merged into the preset's unless it names its own "preset".
//
// | preset              | space      | data          | what for                  |
// |---------------------|------------|---------------|---------------------------|
// | fashion_mnist       | enas_macro | Fashion-MNIST | minutes on 2 CPU cores    |
// | fashion_mnist_micro | enas_micro | Fashion-MNIST | the cell space, small     |
// | paper               | enas_macro | CIFAR-10      | 12 layers, 310 epochs,    |
// |                     |            |               | 50 x 20 controller (GPU)  |
// | paper_micro         | enas_micro | CIFAR-10      | 5 cells/stage, 150 epochs,|
// |                     |            |               | 30 x 10 controller (GPU)  |
#ifndef ALGORITHMS_ENAS_CONFIG_H_
#define ALGORITHMS_ENAS_CONFIG_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "algorithms/enas/enas_trainer.h"
#include "nas/base/json.h"
#include "nas/jobs/data.h"
#include "nas/jobs/retrain_job.h"
#include "nas/jobs/trial_job.h"
#include "nas/train/trainer.h"

namespace nas::enas {

struct SearchJobOptions {
  TrainerOptions trainer;
  EnasTrainerOptions enas;
  int64_t export_samples = 100;  // controller samples scored for the export
  int64_t random_samples = 100;  // uniform architectures scored for comparison
  int64_t export_batches = 2;    // validation batches per score (0 = all)
};

struct EnasConfig {
  std::string preset = "fashion_mnist";
  std::string space = "enas_macro";
  Json space_options = Json::object();
  DataOptions data;
  SearchJobOptions search;
  // SGD with momentum, cosine per epoch to min_lr, gradient clip 5.
  RetrainSection retrain;
  uint64_t seed = 0;
};

// NotFound listing the presets for an unknown name.
absl::StatusOr<EnasConfig> EnasPreset(const std::string& name);
// The preset (j's "preset", else fashion_mnist) with j's members over it;
// `source` names j in messages ("file.json: $").
absl::StatusOr<EnasConfig> EnasConfigFromJson(const Json& j, const std::string& source);
Json EnasConfigToJson(const EnasConfig& config);

// The defaults of :trial (the shared trial job, nas/jobs/trial_job.h): the
// enas_macro space with its fashion_mnist preset, 200 steps, 2 evaluations,
// the shared trial recipe with ENAS's gradient-norm clip of 5.
TrialJobOptions EnasTrialOptions();

}  // namespace nas::enas

#endif  // ALGORITHMS_ENAS_CONFIG_H_
