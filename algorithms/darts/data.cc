#include "algorithms/darts/data.h"

#include <ATen/ATen.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "datasets/split.h"
#include "nas/base/status.h"

namespace nas::darts {

absl::StatusOr<DartsData> LoadDartsData(const DartsConfig& c, const DartsNetworkOptions& network) {
  NAS_ASSIGN_OR_RETURN(datasets::DatasetFactory factory, datasets::DatasetRegistry().Lookup(c.data.dataset));
  datasets::DatasetOptions options;
  options.data_dir = c.data.data_dir;
  options.synthetic_size = c.data.synthetic_size;
  options.seed = c.seed;
  DartsData data;
  NAS_ASSIGN_OR_RETURN(data.full_train, factory(options));
  options.split = datasets::Split::kTest;
  options.synthetic_size = std::max<int64_t>(c.data.synthetic_size / 4, 1);
  NAS_ASSIGN_OR_RETURN(data.test, factory(options));
  std::vector<int64_t> expected = {network.in_channels, network.image_size, network.image_size};
  std::vector<int64_t> actual(data.full_train.images.sizes().begin() + 1, data.full_train.images.sizes().end());
  if (actual != expected) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dataset '", c.data.dataset, "' has images of shape [", absl::StrJoin(actual, ", "),
        "] but the network expects [", absl::StrJoin(expected, ", "), "]; set network.in_channels / image_size"));
  }
  if (data.full_train.num_classes > network.classes) {
    return absl::InvalidArgumentError(absl::StrCat("dataset '", c.data.dataset, "' has ",
                                                   data.full_train.num_classes, " classes but the network has ",
                                                   network.classes, " outputs"));
  }
  datasets::ImageDataset subset = data.full_train;
  if (c.data.train_examples > 0 && c.data.train_examples < subset.size()) {
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(c.seed + 0x5eed5eedULL);
    subset = subset.subset(at::randperm(subset.size(), gen).narrow(0, 0, c.data.train_examples));
  }
  NAS_ASSIGN_OR_RETURN(datasets::TrainValid halves, datasets::SplitTrainValid(subset, 0.5, c.seed));
  data.weights = std::move(halves.train);
  data.arch = std::move(halves.valid);
  return data;
}

std::unique_ptr<datasets::DataLoader> TrainLoader(const datasets::ImageDataset& data, int64_t batch_size,
                                                  const DartsConfig& c, uint64_t seed, int cutout, int rank,
                                                  int world_size) {
  datasets::TransformOptions augment;
  augment.crop_padding = data.images.size(2) >= 64 ? 0 : data.images.size(2) / 8;
  augment.horizontal_flip = data.images.size(1) == 3;
  augment.cutout = cutout;
  return std::make_unique<datasets::DataLoader>(data, datasets::LoaderOptions()
                                                          .batch_size(batch_size)
                                                          .workers(c.data.workers)
                                                          .seed(seed)
                                                          .transforms(augment)
                                                          .drop_last(true)
                                                          .rank(rank)
                                                          .world_size(world_size));
}

std::unique_ptr<datasets::DataLoader> EvalLoader(const datasets::ImageDataset& data, const DartsConfig& c, int rank,
                                                 int world_size) {
  return std::make_unique<datasets::DataLoader>(data, datasets::LoaderOptions()
                                                          .batch_size(256)
                                                          .shuffle(false)
                                                          .workers(c.data.workers)
                                                          .rank(rank)
                                                          .world_size(world_size));
}

}  // namespace nas::darts
