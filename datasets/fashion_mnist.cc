#include "datasets/fashion_mnist.h"

#include <zlib.h>

#include <ATen/ATen.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nas/base/file.h"
#include "nas/base/status.h"

namespace nas::datasets {
namespace {

absl::StatusOr<std::string> ReadGzip(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::string data;
  char buffer[1 << 16];
  while (true) {
    int n = gzread(file, buffer, sizeof(buffer));
    if (n < 0) {
      int err = 0;
      std::string message = gzerror(file, &err);
      gzclose(file);
      return absl::InvalidArgumentError(absl::StrCat(path, ": corrupt gzip data: ", message));
    }
    if (n == 0) break;
    data.append(buffer, n);
  }
  // gzread returns 0 at a truncated stream's end too; gzclose_r reports it.
  int rc = gzclose_r(file);
  if (rc != Z_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": truncated or corrupt gzip stream (zlib error ", rc, ")"));
  }
  return data;
}

uint32_t BigEndian32(const unsigned char* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

}  // namespace

absl::StatusOr<at::Tensor> ReadIdxFile(const std::string& path, uint32_t expected_magic) {
  if (!FileExists(path)) return absl::NotFoundError(absl::StrCat("missing file ", path));
  NAS_ASSIGN_OR_RETURN(std::string data, ReadGzip(path));  // zlib reads plain files too
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (data.size() < 4)
    return absl::InvalidArgumentError(absl::StrCat(path, ": too short for an idx file"));
  uint32_t magic = BigEndian32(bytes);
  if (magic != expected_magic) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": idx magic number 0x", absl::Hex(magic),
                                                   ", expected 0x", absl::Hex(expected_magic)));
  }
  const size_t rank = magic & 0xff;
  if (data.size() < 4 + 4 * rank) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": truncated idx header"));
  }
  const size_t header = 4 + 4 * rank;
  const size_t available = data.size() - header;
  std::vector<int64_t> dims;
  size_t expected = 1;
  bool overflow = false;
  for (size_t i = 0; i < rank; ++i) {
    dims.push_back(BigEndian32(bytes + 4 + 4 * i));
    overflow |= __builtin_mul_overflow(expected, static_cast<size_t>(dims.back()), &expected);
  }
  if (overflow) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": the header's dimensions ",
                                                   absl::StrJoin(dims, " x "),
                                                   " overflow (damaged file)"));
  }
  if (available != expected) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": the header promises ", expected,
                                                   " bytes of data, the file has ", available,
                                                   available < expected ? " (truncated)" : ""));
  }
  at::Tensor t = at::empty(dims, at::kByte);
  if (expected > 0) std::memcpy(t.data_ptr<uint8_t>(), bytes + header, expected);
  return t;
}

absl::StatusOr<ImageDataset> LoadFashionMnist(const DatasetOptions& options) {
  const bool default_dir = options.data_dir.empty();
  const std::string dir = default_dir ? kFashionMnistDefaultDir : options.data_dir;
  const std::string prefix = options.split == Split::kTrain ? "train" : "t10k";
  const int64_t expected_count = options.split == Split::kTrain ? 60000 : 10000;
  const std::string images_path = JoinPath(dir, prefix + "-images-idx3-ubyte.gz");
  const std::string labels_path = JoinPath(dir, prefix + "-labels-idx1-ubyte.gz");
  if (default_dir && !FileExists(images_path)) {
    return absl::NotFoundError(absl::StrCat(
        "Fashion-MNIST not found at ", dir,
        ": install it with 'apt-get install dataset-fashion-mnist' (tools/bazel does), or "
        "pass --data_dir"));
  }
  NAS_ASSIGN_OR_RETURN(at::Tensor images, ReadIdxFile(images_path, 0x803));
  NAS_ASSIGN_OR_RETURN(at::Tensor labels, ReadIdxFile(labels_path, 0x801));
  if (images.dim() != 3 || images.size(1) != 28 || images.size(2) != 28) {
    return absl::InvalidArgumentError(
        absl::StrCat(images_path, ": expected 28x28 images, got shape ", c10::str(images.sizes())));
  }
  if (images.size(0) != labels.size(0)) {
    return absl::InvalidArgumentError(absl::StrCat(images_path, " has ", images.size(0),
                                                   " images but ", labels_path, " has ",
                                                   labels.size(0), " labels"));
  }
  if (default_dir && images.size(0) != expected_count) {
    return absl::InvalidArgumentError(absl::StrCat(images_path, ": ", images.size(0),
                                                   " images, Fashion-MNIST's ", prefix,
                                                   " split has ", expected_count));
  }
  if (labels.numel() > 0 && labels.max().item<int64_t>() > 9) {
    return absl::InvalidArgumentError(
        absl::StrCat(labels_path, ": label ", labels.max().item<int64_t>(), " is not in [0, 9]"));
  }
  ImageDataset ds;
  ds.images = images.unsqueeze(1);
  ds.labels = labels.to(at::kLong);
  ds.num_classes = 10;
  // Statistics of the training split (pixel values / 255).
  ds.mean = {0.2860};
  ds.std = {0.3530};
  return ds;
}

}  // namespace nas::datasets

NAS_REGISTER(nas::datasets::DatasetRegistry(), "fashion_mnist", &nas::datasets::LoadFashionMnist);
