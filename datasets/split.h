// Deterministic train / valid splits by fraction (DARTS uses 0.5, ENAS 0.9).
#ifndef DATASETS_SPLIT_H_
#define DATASETS_SPLIT_H_

#include <cstdint>
#include <utility>

#include "absl/status/statusor.h"
#include "datasets/image_dataset.h"

namespace nas::datasets {

struct TrainValid {
  ImageDataset train;
  ImageDataset valid;
};

// A random permutation (seeded) cut at round(fraction * size): the first
// part trains, the rest validates. Fails unless 0 < fraction < 1 and both
// parts are non-empty.
absl::StatusOr<TrainValid> SplitTrainValid(const ImageDataset& data, double train_fraction,
                                           uint64_t seed);

}  // namespace nas::datasets

#endif  // DATASETS_SPLIT_H_
