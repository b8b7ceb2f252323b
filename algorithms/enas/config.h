// The configuration of the ENAS binaries: one JSON file (--config) with a
// section per phase; a preset gives the defaults and any member overrides
// them (strict: unknown members are errors naming their path).
//
//   {"preset": "fashion_mnist",
//    "space": "enas_macro", "space_options": {...MacroSpaceOptions...},
//    "data": {"dataset": "fashion_mnist", "train_examples": 12800, ...},
//    "search": {"trainer": {...TrainerOptions...}, "enas": {...EnasTrainerOptions...},
//               "export_samples": 100, "random_samples": 100, "export_batches": 2},
//    "retrain": {"trainer": {...}, "lr": 0.05, ...},
//    "seed": 0}
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

#include <string>

#include "absl/status/statusor.h"
#include "algorithms/enas/enas_trainer.h"
#include "nas/base/json.h"
#include "nas/train/trainer.h"

namespace nas::enas {

struct DataOptions {
  std::string dataset = "fashion_mnist";
  std::string data_dir;            // "" = the dataset's default
  int64_t synthetic_size = 2048;   // the "synthetic" dataset only
  double train_fraction = 0.9;     // shared weights vs controller (ENAS: 45k / 5k)
  int64_t train_examples = 0;      // a subset of the shared-weight part per search (0 = all)
  int64_t batch_size = 64;
  int64_t valid_batch_size = 128;  // one controller reward
  int workers = 2;
};

struct SearchJobOptions {
  TrainerOptions trainer;
  EnasTrainerOptions enas;
  int64_t export_samples = 100;  // controller samples scored for the export
  int64_t random_samples = 100;  // uniform architectures scored for comparison
  int64_t export_batches = 2;    // validation batches per score (0 = all)
};

struct RetrainJobOptions {
  TrainerOptions trainer;
  double lr = 0.05;  // SGD, cosine to min_lr
  double min_lr = 0.0;
  double momentum = 0.9;
  double weight_decay = 1e-4;
};

struct EnasConfig {
  std::string preset = "fashion_mnist";
  std::string space = "enas_macro";
  Json space_options = Json::object();
  DataOptions data;
  SearchJobOptions search;
  RetrainJobOptions retrain;
  uint64_t seed = 0;
};

// NotFound listing the presets for an unknown name.
absl::StatusOr<EnasConfig> EnasPreset(const std::string& name);
absl::StatusOr<EnasConfig> EnasConfigFromJson(const Json& j, const std::string& source);
Json EnasConfigToJson(const EnasConfig& config);

// --config (a file; "" = the preset) then --preset.
absl::StatusOr<EnasConfig> LoadEnasConfig(const std::string& path, const std::string& preset);

}  // namespace nas::enas

#endif  // ALGORITHMS_ENAS_CONFIG_H_
