// An in-memory image classification dataset: what every loader in this
// package returns and what the data loader (loader.h) batches.
//
//   images: uint8 {N, C, H, W}   (converted to float per batch, so 60k
//   labels: int64 {N}             Fashion-MNIST images take 47 MB, not 188)
#ifndef DATASETS_IMAGE_DATASET_H_
#define DATASETS_IMAGE_DATASET_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "absl/status/statusor.h"
#include "nas/base/registry.h"

namespace nas::datasets {

struct ImageDataset {
  at::Tensor images;
  at::Tensor labels;
  int64_t num_classes = 0;
  // Per-channel statistics of the training split, for Normalize.
  std::vector<double> mean;
  std::vector<double> std;

  int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
  // The examples at `indices` (int64 {k}).
  ImageDataset subset(const at::Tensor& indices) const;
};

enum class Split { kTrain, kTest };

struct DatasetOptions {
  // "" = the dataset's default location.
  std::string data_dir;
  Split split = Split::kTrain;
  // Synthetic data only: examples and seed.
  int64_t synthetic_size = 1024;
  uint64_t seed = 0;
};

using DatasetFactory = std::function<absl::StatusOr<ImageDataset>(const DatasetOptions&)>;

// "fashion_mnist", "cifar10", "synthetic" (register with NAS_REGISTER).
Registry<DatasetFactory>& DatasetRegistry();

}  // namespace nas::datasets

#endif  // DATASETS_IMAGE_DATASET_H_
