// The data of every job, from one options struct (the "data" member of a
// package's configuration):
//
//   training set ─┬─ train_fraction ─> train  (weights; its first
//                 │                            train_examples, 0 = all)
//                 └─ the rest ───────> valid  (search: architecture steps,
//                                              scores; its first
//                                              valid_examples, 0 = all)
//   training set, whole ─────────────> full_train (retraining)
//   test set ────────────────────────> test       (accuracy after retraining)
//
// The split is a permutation seeded by the job's seed, so every binary of a
// package, and a resumed run, sees the same examples. The image shape must
// be the space's, and the dataset may not have more classes than the space
// has outputs: both are checked with a message that names the fix.
//
// | member           | default       | meaning                               |
// |------------------|---------------|---------------------------------------|
// | dataset          | fashion_mnist | registered dataset (datasets/)        |
// | data_dir         | ""            | "" = the dataset's default folder     |
// | synthetic_size   | 2048          | examples of the "synthetic" dataset   |
// | train_fraction   | 0.9           | weights' share of the training set    |
// | train_examples   | 0             | cap on the weights part (0 = none)    |
// | valid_examples   | 0             | cap on the validation part (0 = none) |
// | batch_size       | 64            | training batches (per process)        |
// | valid_batch_size | 0             | shuffled validation batches           |
// |                  |               | (controller rewards); 0 = batch_size  |
// | eval_batch_size  | 256           | scoring batches                       |
// | workers          | 2             | loader threads (0 = the caller's)     |
#ifndef NAS_JOBS_DATA_H_
#define NAS_JOBS_DATA_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datasets/image_dataset.h"
#include "datasets/loader.h"
#include "nas/base/json.h"
#include "nas/core/space_registry.h"

namespace nas {

struct DataOptions {
  std::string dataset = "fashion_mnist";
  std::string data_dir;
  int64_t synthetic_size = 2048;
  double train_fraction = 0.9;
  int64_t train_examples = 0;
  int64_t valid_examples = 0;
  int64_t batch_size = 64;
  int64_t valid_batch_size = 0;
  int64_t eval_batch_size = 256;
  int workers = 2;
};

// Reads the members present in `j` over `*out` (strict; errors name
// `path`'s members) and validates the result.
absl::Status DataOptionsFromJson(const Json& j, const std::string& path, DataOptions* out);
Json DataOptionsToJson(const DataOptions& options);

struct ImageData {
  datasets::ImageDataset train;
  datasets::ImageDataset valid;
  datasets::ImageDataset full_train;
  datasets::ImageDataset test;  // empty unless requested
};

// Loads `options.dataset` for `space` (registered as `space_name`, for
// messages), split by `seed`. NotFound for an unknown dataset,
// InvalidArgument for a shape or class mismatch or an empty part.
absl::StatusOr<ImageData> LoadImageData(const DataOptions& options, const BuiltSpace& space,
                                        const std::string& space_name, uint64_t seed,
                                        bool with_test = true);

// Shuffled, augmented batches of `batch_size` (0 = options.batch_size): a
// random crop with padding image_size / 8 (none from 64 pixels up), a
// horizontal flip for 3-channel images, cutout of `cutout` pixels when > 0;
// the last incomplete batch dropped; sharded over `world_size` ranks.
std::unique_ptr<datasets::DataLoader> TrainLoader(const datasets::ImageDataset& data,
                                                  const DataOptions& options, uint64_t seed,
                                                  int rank = 0, int world_size = 1, int cutout = 0,
                                                  int64_t batch_size = 0);

// Shuffled batches of valid_batch_size without augmentation (controller
// rewards).
std::unique_ptr<datasets::DataLoader> ShuffledLoader(const datasets::ImageDataset& data,
                                                     const DataOptions& options, uint64_t seed,
                                                     int rank = 0, int world_size = 1);

// Batches of eval_batch_size in dataset order, no augmentation (scores,
// test accuracy).
std::unique_ptr<datasets::DataLoader> EvalLoader(const datasets::ImageDataset& data,
                                                 const DataOptions& options, int rank = 0,
                                                 int world_size = 1);

}  // namespace nas

#endif  // NAS_JOBS_DATA_H_
