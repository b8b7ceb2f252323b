// A synthetic, learnable image dataset for tests and benchmarks: each of 10
// classes is a sinusoidal grating with its own frequency and orientation; an
// example has a random phase plus Gaussian noise, as 1x28x28 uint8 (the
// shape of Fashion-MNIST). Deterministic in (seed, split); train and test
// share the classes.
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
