// The data of the DARTS package:
//
//   training set ─ train_examples (random subset; 0 = all) ─┬─ half: weights   (search, trials)
//                                                            └─ half: alphas    (search; trial scores)
//   whole training set ─> retraining;  test set ─> test accuracy of a retrained network
//
// The subset and the split are seeded by the config's seed, so every binary
// (and a resumed run) sees the same examples.
#ifndef ALGORITHMS_DARTS_DATA_H_
#define ALGORITHMS_DARTS_DATA_H_

#include <memory>

#include "absl/status/statusor.h"
#include "algorithms/darts/config.h"
#include "datasets/image_dataset.h"
#include "datasets/loader.h"

namespace nas::darts {

struct DartsData {
  datasets::ImageDataset weights;  // search: the weights' half
  datasets::ImageDataset arch;     // search: the architecture's half
  datasets::ImageDataset full_train;
  datasets::ImageDataset test;
};

// Loads the dataset; its image shape must be `network`'s.
absl::StatusOr<DartsData> LoadDartsData(const DartsConfig& config, const DartsNetworkOptions& network);

// Shuffled, augmented batches (crop with padding, flips for 3-channel
// images, cutout when > 0), sharded over ranks.
std::unique_ptr<datasets::DataLoader> TrainLoader(const datasets::ImageDataset& data, int64_t batch_size,
                                                  const DartsConfig& config, uint64_t seed, int cutout = 0,
                                                  int rank = 0, int world_size = 1);
// Batches in dataset order, no augmentation.
std::unique_ptr<datasets::DataLoader> EvalLoader(const datasets::ImageDataset& data, const DartsConfig& config,
                                                 int rank = 0, int world_size = 1);

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_DATA_H_
