// Fashion-MNIST (Xiao et al., 2017) read directly from the idx .gz files of
// Debian's dataset-fashion-mnist package:
//
//   /usr/share/datasets/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
//
// Every file is validated: gzip stream, magic number (0x803 images, 0x801
// labels), dimensions (28x28), counts (60000 train / 10000 test, equal in
// the two files), exact size, labels in [0, 9]. A missing, truncated or
// wrong file is an error naming the file; when the default location is
// missing the message says how to install the package.
//
// Registered as "fashion_mnist".
#ifndef DATASETS_FASHION_MNIST_H_
#define DATASETS_FASHION_MNIST_H_

#include <string>

#include "absl/status/statusor.h"
#include "datasets/image_dataset.h"

namespace nas::datasets {

inline constexpr char kFashionMnistDefaultDir[] = "/usr/share/datasets/fashion-mnist";

absl::StatusOr<ImageDataset> LoadFashionMnist(const DatasetOptions& options);

// One idx file (gzip-compressed or plain): uint8 data with its dimensions.
// `expected_magic` is 0x801 (labels) or 0x803 (images).
absl::StatusOr<at::Tensor> ReadIdxFile(const std::string& path, uint32_t expected_magic);

}  // namespace nas::datasets

#endif  // DATASETS_FASHION_MNIST_H_
