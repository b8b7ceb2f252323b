// CIFAR-10 (Krizhevsky, 2009) in its binary format: data_batch_1.bin ...
// data_batch_5.bin (train) and test_batch.bin (test), each a sequence of
// 3073-byte records (1 label byte, then 3x32x32 pixels, channel-major).
// There is no Debian package; pass --data_dir (the cifar-10-batches-bin
// folder). A missing batch or a file that is not a whole number of records
// is an error naming the file.
//
// Registered as "cifar10".
#ifndef DATASETS_CIFAR10_H_
#define DATASETS_CIFAR10_H_

#include "absl/status/statusor.h"
#include "datasets/image_dataset.h"

namespace nas::datasets {

inline constexpr int64_t kCifarRecordBytes = 1 + 3 * 32 * 32;

absl::StatusOr<ImageDataset> LoadCifar10(const DatasetOptions& options);

}  // namespace nas::datasets

#endif  // DATASETS_CIFAR10_H_
