#include "datasets/cifar10.h"

#include <cstring>

#include <ATen/ATen.h>

#include "absl/strings/str_cat.h"
#include "nas/base/file.h"
#include "nas/base/status.h"

namespace nas::datasets {

absl::StatusOr<ImageDataset> LoadCifar10(const DatasetOptions& options) {
  if (options.data_dir.empty()) {
    return absl::InvalidArgumentError(
        "CIFAR-10 has no default location: pass --data_dir=<folder with data_batch_1.bin ... "
        "test_batch.bin>");
  }
  std::vector<std::string> files;
  if (options.split == Split::kTrain) {
    for (int i = 1; i <= 5; ++i) files.push_back(absl::StrCat("data_batch_", i, ".bin"));
  } else {
    files.push_back("test_batch.bin");
  }
  std::vector<at::Tensor> images, labels;
  for (const auto& name : files) {
    const std::string path = JoinPath(options.data_dir, name);
    if (!FileExists(path)) {
      return absl::NotFoundError(absl::StrCat("missing CIFAR-10 batch ", path));
    }
    NAS_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
    if (data.empty() || data.size() % kCifarRecordBytes != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", data.size(), " bytes is not a whole number of ",
                       kCifarRecordBytes, "-byte records (wrong file or truncated)"));
    }
    const int64_t n = static_cast<int64_t>(data.size()) / kCifarRecordBytes;
    at::Tensor records = at::from_blob(data.data(), {n, kCifarRecordBytes}, at::kByte).clone();
    at::Tensor batch_labels = records.select(1, 0).to(at::kLong);
    if (batch_labels.max().item<int64_t>() > 9) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": label ", batch_labels.max().item<int64_t>(), " is not in [0, 9] (wrong file?)"));
    }
    labels.push_back(batch_labels);
    images.push_back(records.narrow(1, 1, kCifarRecordBytes - 1).reshape({n, 3, 32, 32}));
  }
  ImageDataset ds;
  ds.images = at::cat(images, 0).contiguous();
  ds.labels = at::cat(labels, 0);
  ds.num_classes = 10;
  ds.mean = {0.4914, 0.4822, 0.4465};
  ds.std = {0.2470, 0.2435, 0.2616};
  return ds;
}

}  // namespace nas::datasets

NAS_REGISTER(nas::datasets::DatasetRegistry(), "cifar10", &nas::datasets::LoadCifar10);
