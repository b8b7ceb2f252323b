#include "algorithms/spos/data.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "datasets/split.h"
#include "nas/base/status.h"

namespace nas::spos {

absl::StatusOr<SposData> LoadSposData(const SposConfig& c) {
  absl::StatusOr<datasets::DatasetFactory> factory = datasets::DatasetRegistry().Lookup(c.data.dataset);
  if (!factory.ok()) {
    return absl::NotFoundError(absl::StrCat(factory.status().message(),
                                            c.data.dataset == "imagenet"
                                                ? " (the paper preset needs an ImageNet loader registered as "
                                                  "\"imagenet\"; see algorithms/spos/README.md)"
                                                : ""));
  }
  datasets::DatasetOptions options;
  options.data_dir = c.data.data_dir;
  options.synthetic_size = c.data.synthetic_size;
  options.seed = c.seed;
  SposData data;
  NAS_ASSIGN_OR_RETURN(data.full_train, (*factory)(options));
  options.split = datasets::Split::kTest;
  options.synthetic_size = std::max<int64_t>(c.data.synthetic_size / 4, 1);
  NAS_ASSIGN_OR_RETURN(data.test, (*factory)(options));
  std::vector<int64_t> expected = {c.space.in_channels, c.space.image_size, c.space.image_size};
  std::vector<int64_t> actual(data.full_train.images.sizes().begin() + 1, data.full_train.images.sizes().end());
  if (actual != expected) {
    return absl::InvalidArgumentError(absl::StrCat("dataset '", c.data.dataset, "' has images of shape [",
                                                   absl::StrJoin(actual, ", "), "] but the space expects [",
                                                   absl::StrJoin(expected, ", "),
                                                   "]; set space.in_channels / space.image_size"));
  }
  if (data.full_train.num_classes > c.space.classes) {
    return absl::InvalidArgumentError(absl::StrCat("dataset '", c.data.dataset, "' has ",
                                                   data.full_train.num_classes, " classes but the space has ",
                                                   c.space.classes, " outputs"));
  }
  NAS_ASSIGN_OR_RETURN(datasets::TrainValid split,
                       datasets::SplitTrainValid(data.full_train, c.data.train_fraction, c.seed));
  data.train = std::move(split.train);
  data.valid = std::move(split.valid);
  return data;
}

std::unique_ptr<datasets::DataLoader> TrainLoader(const datasets::ImageDataset& data, const SposConfig& c,
                                                  uint64_t seed, int rank, int world_size) {
  datasets::TransformOptions augment;
  augment.crop_padding = c.space.image_size >= 64 ? 0 : c.space.image_size / 8;
  augment.horizontal_flip = c.space.in_channels == 3;
  return std::make_unique<datasets::DataLoader>(data, datasets::LoaderOptions()
                                                          .batch_size(c.data.batch_size)
                                                          .workers(c.data.workers)
                                                          .seed(seed)
                                                          .transforms(augment)
                                                          .drop_last(true)
                                                          .rank(rank)
                                                          .world_size(world_size));
}

std::unique_ptr<datasets::DataLoader> EvalLoader(const datasets::ImageDataset& data, const SposConfig& c, int rank,
                                                 int world_size) {
  return std::make_unique<datasets::DataLoader>(data, datasets::LoaderOptions()
                                                          .batch_size(std::max<int64_t>(c.data.batch_size, 256))
                                                          .shuffle(false)
                                                          .workers(c.data.workers)
                                                          .rank(rank)
                                                          .world_size(world_size));
}

}  // namespace nas::spos
