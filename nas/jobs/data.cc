#include "nas/jobs/data.h"

#include <ATen/ATen.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "datasets/split.h"
#include "nas/base/status.h"

namespace nas {

absl::Status DataOptionsFromJson(const Json& j, const std::string& path, DataOptions* o) {
  JsonObjectReader r(j, path);
  r.Optional("dataset", &o->dataset)
      .Optional("data_dir", &o->data_dir)
      .Optional("synthetic_size", &o->synthetic_size)
      .Optional("train_fraction", &o->train_fraction)
      .Optional("train_examples", &o->train_examples)
      .Optional("valid_examples", &o->valid_examples)
      .Optional("batch_size", &o->batch_size)
      .Optional("valid_batch_size", &o->valid_batch_size)
      .Optional("eval_batch_size", &o->eval_batch_size)
      .Optional("workers", &o->workers);
  NAS_RETURN_IF_ERROR(r.Finish());
  auto bad = [&](const char* member, const char* rule) {
    return absl::InvalidArgumentError(absl::StrCat(JsonChildPath(path, member), " must be ", rule));
  };
  if (o->dataset.empty()) return bad("dataset", "a registered dataset name");
  if (o->synthetic_size < 1) return bad("synthetic_size", ">= 1");
  if (!(o->train_fraction > 0 && o->train_fraction < 1)) return bad("train_fraction", "in (0, 1)");
  if (o->train_examples < 0) return bad("train_examples", ">= 0");
  if (o->valid_examples < 0) return bad("valid_examples", ">= 0");
  if (o->batch_size < 1) return bad("batch_size", ">= 1");
  if (o->valid_batch_size < 0) return bad("valid_batch_size", ">= 0");
  if (o->eval_batch_size < 1) return bad("eval_batch_size", ">= 1");
  if (o->workers < 0) return bad("workers", ">= 0");
  return absl::OkStatus();
}

Json DataOptionsToJson(const DataOptions& o) {
  return {{"dataset", o.dataset},
          {"data_dir", o.data_dir},
          {"synthetic_size", o.synthetic_size},
          {"train_fraction", o.train_fraction},
          {"train_examples", o.train_examples},
          {"valid_examples", o.valid_examples},
          {"batch_size", o.batch_size},
          {"valid_batch_size", o.valid_batch_size},
          {"eval_batch_size", o.eval_batch_size},
          {"workers", o.workers}};
}

absl::StatusOr<ImageData> LoadImageData(const DataOptions& o, const BuiltSpace& space,
                                        const std::string& space_name, uint64_t seed,
                                        bool with_test) {
  NAS_ASSIGN_OR_RETURN(datasets::DatasetFactory factory,
                       datasets::DatasetRegistry().Lookup(o.dataset));
  datasets::DatasetOptions options;
  options.data_dir = o.data_dir;
  options.synthetic_size = o.synthetic_size;
  options.seed = seed;
  ImageData data;
  NAS_ASSIGN_OR_RETURN(data.full_train, factory(options));
  const at::Tensor& images = data.full_train.images;
  std::vector<int64_t> actual(images.sizes().begin() + 1, images.sizes().end());
  if (!space.input_shape.empty() && actual != space.input_shape) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dataset '", o.dataset, "' has images of shape [", absl::StrJoin(actual, ", "),
        "] but space '", space_name, "' expects [", absl::StrJoin(space.input_shape, ", "),
        "]; set the space's options (in_channels, image_size)"));
  }
  if (space.classes > 0 && data.full_train.num_classes > space.classes) {
    return absl::InvalidArgumentError(
        absl::StrCat("dataset '", o.dataset, "' has ", data.full_train.num_classes,
                     " classes but space '", space_name, "' has ", space.classes, " outputs"));
  }
  if (with_test) {
    options.split = datasets::Split::kTest;
    options.synthetic_size = std::max<int64_t>(o.synthetic_size / 4, 1);
    NAS_ASSIGN_OR_RETURN(data.test, factory(options));
  }
  NAS_ASSIGN_OR_RETURN(datasets::TrainValid split,
                       datasets::SplitTrainValid(data.full_train, o.train_fraction, seed));
  // The split is a seeded permutation: the head of each part is a random
  // subset of it.
  if (o.train_examples > 0 && o.train_examples < split.train.size()) {
    split.train = split.train.subset(at::arange(o.train_examples));
  }
  if (o.valid_examples > 0 && o.valid_examples < split.valid.size()) {
    split.valid = split.valid.subset(at::arange(o.valid_examples));
  }
  data.train = std::move(split.train);
  data.valid = std::move(split.valid);
  return data;
}

std::unique_ptr<datasets::DataLoader> TrainLoader(const datasets::ImageDataset& data,
                                                  const DataOptions& o, uint64_t seed, int rank,
                                                  int world_size, int cutout, int64_t batch_size) {
  const int64_t image_size = data.images.size(2);
  datasets::TransformOptions augment;
  augment.crop_padding = image_size >= 64 ? 0 : image_size / 8;
  augment.horizontal_flip = data.images.size(1) == 3;
  augment.cutout = cutout;
  return std::make_unique<datasets::DataLoader>(
      data, datasets::LoaderOptions()
                .batch_size(batch_size > 0 ? batch_size : o.batch_size)
                .workers(o.workers)
                .seed(seed)
                .transforms(augment)
                .drop_last(true)
                .rank(rank)
                .world_size(world_size));
}

std::unique_ptr<datasets::DataLoader> ShuffledLoader(const datasets::ImageDataset& data,
                                                     const DataOptions& o, uint64_t seed, int rank,
                                                     int world_size) {
  return std::make_unique<datasets::DataLoader>(
      data, datasets::LoaderOptions()
                .batch_size(o.valid_batch_size > 0 ? o.valid_batch_size : o.batch_size)
                .workers(o.workers)
                .seed(seed)
                .rank(rank)
                .world_size(world_size));
}

std::unique_ptr<datasets::DataLoader> EvalLoader(const datasets::ImageDataset& data,
                                                 const DataOptions& o, int rank, int world_size) {
  return std::make_unique<datasets::DataLoader>(data, datasets::LoaderOptions()
                                                          .batch_size(o.eval_batch_size)
                                                          .shuffle(false)
                                                          .workers(o.workers)
                                                          .rank(rank)
                                                          .world_size(world_size));
}

}  // namespace nas
