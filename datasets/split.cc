#include "datasets/split.h"

#include <cmath>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "absl/strings/str_cat.h"

namespace nas::datasets {

absl::StatusOr<TrainValid> SplitTrainValid(const ImageDataset& data, double train_fraction,
                                           uint64_t seed) {
  if (!(train_fraction > 0 && train_fraction < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("train fraction must be in (0, 1), got ", train_fraction));
  }
  const int64_t n = data.size();
  const int64_t n_train = std::llround(train_fraction * n);
  if (n_train < 1 || n_train >= n) {
    return absl::InvalidArgumentError(
        absl::StrCat("a ", train_fraction, " split of ", n, " examples leaves a part empty"));
  }
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  at::Tensor order = at::randperm(n, gen, at::kLong);
  TrainValid out;
  out.train = data.subset(order.narrow(0, 0, n_train));
  out.valid = data.subset(order.narrow(0, n_train, n - n_train));
  return out;
}

}  // namespace nas::datasets
