#include "algorithms/enas/data.h"

#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "datasets/split.h"
#include "nas/base/status.h"

namespace nas::enas {

absl::StatusOr<EnasData> LoadEnasData(const EnasConfig& c, const std::vector<int64_t>& input_shape,
                                      int64_t classes) {
  NAS_ASSIGN_OR_RETURN(datasets::DatasetFactory factory, datasets::DatasetRegistry().Lookup(c.data.dataset));
  datasets::DatasetOptions options;
  options.data_dir = c.data.data_dir;
  options.synthetic_size = c.data.synthetic_size;
  options.seed = c.seed;
  EnasData data;
  NAS_ASSIGN_OR_RETURN(data.full_train, factory(options));
  options.split = datasets::Split::kTest;
  options.synthetic_size = std::max<int64_t>(c.data.synthetic_size / 4, 1);
  NAS_ASSIGN_OR_RETURN(data.test, factory(options));
  std::vector<int64_t> actual(data.full_train.images.sizes().begin() + 1, data.full_train.images.sizes().end());
  if (actual != input_shape) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dataset '", c.data.dataset, "' has images of shape [", absl::StrJoin(actual, ", "), "] but space '",
        c.space, "' expects [", absl::StrJoin(input_shape, ", "),
        "]; set space_options.in_channels / space_options.image_size"));
  }
  if (data.full_train.num_classes > classes) {
    return absl::InvalidArgumentError(absl::StrCat("dataset '", c.data.dataset, "' has ", data.full_train.num_classes,
                                                   " classes but the space has ", classes, " outputs"));
  }
  NAS_ASSIGN_OR_RETURN(datasets::TrainValid split,
                       datasets::SplitTrainValid(data.full_train, c.data.train_fraction, c.seed));
  data.train = std::move(split.train);
  data.valid = std::move(split.valid);
  if (c.data.train_examples > 0 && c.data.train_examples < data.train.size()) {
    // The split is already a seeded permutation: its head is a random subset.
    data.train = data.train.subset(torch::arange(c.data.train_examples));
  }
  if (data.valid.size() == 0) return absl::InvalidArgumentError("the validation split is empty");
  return data;
}

std::unique_ptr<datasets::DataLoader> TrainLoader(const datasets::ImageDataset& data, int64_t batch_size,
                                                  const EnasConfig& c, uint64_t seed, int rank, int world_size) {
  const int64_t image_size = data.images.size(2);
  const bool color = data.images.size(1) == 3;
  datasets::TransformOptions augment;
  augment.crop_padding = image_size >= 64 ? 0 : image_size / 8;
  augment.horizontal_flip = color;
  return std::make_unique<datasets::DataLoader>(data, datasets::LoaderOptions()
                                                          .batch_size(batch_size)
                                                          .workers(c.data.workers)
                                                          .seed(seed)
                                                          .transforms(augment)
                                                          .drop_last(true)
                                                          .rank(rank)
                                                          .world_size(world_size));
}

std::unique_ptr<datasets::DataLoader> RewardLoader(const datasets::ImageDataset& data, const EnasConfig& c,
                                                   uint64_t seed, int rank, int world_size) {
  return std::make_unique<datasets::DataLoader>(data, datasets::LoaderOptions()
                                                          .batch_size(c.data.valid_batch_size)
                                                          .workers(c.data.workers)
                                                          .seed(seed)
                                                          .rank(rank)
                                                          .world_size(world_size));
}

std::unique_ptr<datasets::DataLoader> EvalLoader(const datasets::ImageDataset& data, const EnasConfig& c, int rank,
                                                 int world_size) {
  return std::make_unique<datasets::DataLoader>(data, datasets::LoaderOptions()
                                                          .batch_size(256)
                                                          .shuffle(false)
                                                          .workers(c.data.workers)
                                                          .rank(rank)
                                                          .world_size(world_size));
}

}  // namespace nas::enas
