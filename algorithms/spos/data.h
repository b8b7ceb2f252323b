// The data of the SPOS pipeline, the same in every phase:
//
//   training set ─┬─ train_fraction ─> supernet training, BN recalibration
//                 └─ the rest ───────> search validation (candidate scores)
//   test set ─────────────────────────> stand-alone accuracy after retraining
//
// Retraining uses the whole training set. The split is seeded by the
// config's seed, so every phase (and a resumed one) sees the same examples.
#ifndef ALGORITHMS_SPOS_DATA_H_
#define ALGORITHMS_SPOS_DATA_H_

#include <memory>

#include "absl/status/statusor.h"
#include "algorithms/spos/config.h"
#include "datasets/image_dataset.h"
#include "datasets/loader.h"

namespace nas::spos {

struct SposData {
  datasets::ImageDataset train;      // the supernet's part of the training set
  datasets::ImageDataset valid;      // the held-out part (search)
  datasets::ImageDataset full_train; // both (retraining)
  datasets::ImageDataset test;
};

// Loads the dataset and checks its image shape against the space's.
absl::StatusOr<SposData> LoadSposData(const SposConfig& config);

// Augmented, shuffled training batches (crop with padding; flips for
// 3-channel images), sharded over `world_size` ranks.
std::unique_ptr<datasets::DataLoader> TrainLoader(const datasets::ImageDataset& data, const SposConfig& config,
                                                  uint64_t seed, int rank = 0, int world_size = 1);
// Batches in dataset order, no augmentation.
std::unique_ptr<datasets::DataLoader> EvalLoader(const datasets::ImageDataset& data, const SposConfig& config,
                                                 int rank = 0, int world_size = 1);

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_DATA_H_
