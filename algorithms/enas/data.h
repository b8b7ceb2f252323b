// The data of the ENAS binaries:
//
//   training set ─┬─ train_fraction ─> shared weights (optionally the first
//                 │                    train_examples of a seeded shuffle)
//                 └─ the rest ───────> controller rewards, export scores
//   test set ─────────────────────────> accuracy after retraining
//
// Retraining uses the whole training set. The split is seeded by the
// config's seed, so every phase (and a resumed one) sees the same examples.
#ifndef ALGORITHMS_ENAS_DATA_H_
#define ALGORITHMS_ENAS_DATA_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "algorithms/enas/config.h"
#include "datasets/image_dataset.h"
#include "datasets/loader.h"

namespace nas::enas {

struct EnasData {
  datasets::ImageDataset train;
  datasets::ImageDataset valid;
  datasets::ImageDataset full_train;
  datasets::ImageDataset test;
};

// Loads the dataset and checks its image shape against `input_shape` (the
// space's) and its classes against `classes`.
absl::StatusOr<EnasData> LoadEnasData(const EnasConfig& config, const std::vector<int64_t>& input_shape,
                                      int64_t classes);

// Augmented (crop with padding; flips for 3 channels), shuffled batches,
// sharded over ranks.
std::unique_ptr<datasets::DataLoader> TrainLoader(const datasets::ImageDataset& data, int64_t batch_size,
                                                  const EnasConfig& config, uint64_t seed, int rank = 0,
                                                  int world_size = 1);
// Shuffled, unaugmented batches of valid_batch_size (controller rewards).
std::unique_ptr<datasets::DataLoader> RewardLoader(const datasets::ImageDataset& data, const EnasConfig& config,
                                                   uint64_t seed, int rank = 0, int world_size = 1);
// Batches of 256 in dataset order (scores, test accuracy).
std::unique_ptr<datasets::DataLoader> EvalLoader(const datasets::ImageDataset& data, const EnasConfig& config,
                                                 int rank = 0, int world_size = 1);

}  // namespace nas::enas

#endif  // ALGORITHMS_ENAS_DATA_H_
