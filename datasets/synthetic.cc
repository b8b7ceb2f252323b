#include "datasets/synthetic.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "absl/strings/str_cat.h"

namespace nas::datasets {

absl::StatusOr<ImageDataset> MakeSynthetic(const DatasetOptions& options) {
  if (options.synthetic_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("synthetic dataset size must be >= 1, got ", options.synthetic_size));
  }
  const int64_t n = options.synthetic_size, classes = 10;
  at::Generator templates_gen = at::make_generator<at::CPUGeneratorImpl>(options.seed);
  at::Tensor templates = at::rand({classes, 1, 28, 28}, templates_gen);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(
      options.seed * 2 + (options.split == Split::kTrain ? 1 : 2));
  at::Tensor labels = at::randint(classes, {n}, gen, at::kLong);
  at::Tensor noise = at::randn({n, 1, 28, 28}, gen) * 0.25;
  at::Tensor images = (templates.index_select(0, labels) * 0.75 + noise).clamp(0, 1);
  ImageDataset ds;
  ds.images = (images * 255).round().to(at::kByte);
  ds.labels = labels;
  ds.num_classes = classes;
  ds.mean = {0.375};
  ds.std = {0.25};
  return ds;
}

}  // namespace nas::datasets

NAS_REGISTER(nas::datasets::DatasetRegistry(), "synthetic", &nas::datasets::MakeSynthetic);
