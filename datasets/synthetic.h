// A synthetic, learnable image dataset for tests and benchmarks: each of 10
// classes has a fixed random template; an example is its class template plus
// noise, as 1x28x28 uint8 (the shape of Fashion-MNIST). Deterministic in
// (seed, split): the templates depend on the seed only, so train and test
// share them.
//
// Registered as "synthetic" (size: DatasetOptions::synthetic_size).
#ifndef DATASETS_SYNTHETIC_H_
#define DATASETS_SYNTHETIC_H_

#include "absl/status/statusor.h"
#include "datasets/image_dataset.h"

namespace nas::datasets {

absl::StatusOr<ImageDataset> MakeSynthetic(const DatasetOptions& options);

}  // namespace nas::datasets

#endif  // DATASETS_SYNTHETIC_H_
