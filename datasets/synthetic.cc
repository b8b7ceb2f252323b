#include "datasets/synthetic.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"

namespace nas::datasets {

absl::StatusOr<ImageDataset> MakeSynthetic(const DatasetOptions& options) {
  if (options.synthetic_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("synthetic dataset size must be >= 1, got ", options.synthetic_size));
  }
  const int64_t n = options.synthetic_size, classes = 10;
  // Class c is a sinusoidal grating with its own (fx, fy) frequency; each
  // example has a random phase and noise, so a model must recognise the
  // pattern, not a position.
  static const int kFreq[10][2] = {{3, 0}, {0, 3}, {3, 3}, {3, -3}, {6, 0},
                                   {0, 6}, {6, 3}, {3, 6}, {8, 0},  {0, 8}};
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(
      options.seed * 2 + (options.split == Split::kTrain ? 1 : 2));
  at::Tensor labels = at::randint(classes, {n}, gen, at::kLong);
  at::Tensor phase = at::rand({n, 1, 1, 1}, gen) * (2 * M_PI);
  at::Tensor noise = at::randn({n, 1, 28, 28}, gen) * 0.1;
  at::Tensor freq = at::tensor(std::vector<int64_t>(&kFreq[0][0], &kFreq[0][0] + 20), at::kLong)
                        .view({10, 2})
                        .to(at::kFloat)
                        .index_select(0, labels);
  at::Tensor coords = at::arange(28, at::kFloat) * (2 * M_PI / 28);
  at::Tensor fx = freq.select(1, 0).view({n, 1, 1, 1}), fy = freq.select(1, 1).view({n, 1, 1, 1});
  at::Tensor grating =
      at::sin(fx * coords.view({1, 1, 1, 28}) + fy * coords.view({1, 1, 28, 1}) + phase);
  at::Tensor images = (0.5 + 0.45 * grating + noise).clamp(0, 1);
  ImageDataset ds;
  ds.images = (images * 255).round().to(at::kByte);
  ds.labels = labels;
  ds.num_classes = classes;
  ds.mean = {0.5};
  ds.std = {0.33};
  return ds;
}

}  // namespace nas::datasets

NAS_REGISTER(nas::datasets::DatasetRegistry(), "synthetic", &nas::datasets::MakeSynthetic);
