#include "algorithms/gumbel/search.h"

#include <torch/torch.h>

#include "absl/strings/str_join.h"
#include "datasets/image_dataset.h"
#include "datasets/loader.h"
#include "datasets/split.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/train/distributed.h"
#include "nas/core/fixed_architecture.h"

namespace nas::gumbel {

absl::Status SearchJobOptionsFromJson(const Json& j, SearchJobOptions* out) {
  JsonObjectReader r(j, "config");
  r.Optional("space", &out->space)
      .Optional("space_options", &out->space_options)
      .Optional("dataset", &out->dataset)
      .Optional("data_dir", &out->data_dir)
      .Optional("synthetic_size", &out->synthetic_size)
      .Optional("train_fraction", &out->train_fraction)
      .Optional("batch_size", &out->batch_size)
      .Optional("workers", &out->workers)
      .Optional("seed", &out->seed);
  const Json* trainer = r.Member("trainer");
  const Json* optimizer = r.Member("optimizer");
  NAS_RETURN_IF_ERROR(r.Finish());
  if (trainer != nullptr) NAS_RETURN_IF_ERROR(TrainerOptionsFromJson(*trainer, "config.trainer", &out->trainer));
  if (optimizer != nullptr) {
    NAS_RETURN_IF_ERROR(GumbelTrainerOptionsFromJson(*optimizer, "config.optimizer", &out->optimizer));
  }
  if (out->batch_size < 1) return absl::InvalidArgumentError("config.batch_size must be >= 1");
  if (out->workers < 0) return absl::InvalidArgumentError("config.workers must be >= 0");
  return absl::OkStatus();
}

Json SearchJobOptionsToJson(const SearchJobOptions& o) {
  return {{"space", o.space},
          {"space_options", o.space_options},
          {"dataset", o.dataset},
          {"data_dir", o.data_dir},
          {"synthetic_size", o.synthetic_size},
          {"train_fraction", o.train_fraction},
          {"batch_size", o.batch_size},
          {"workers", o.workers},
          {"seed", o.seed},
          {"trainer", TrainerOptionsToJson(o.trainer)},
          {"optimizer", GumbelTrainerOptionsToJson(o.optimizer)}};
}

absl::Status RunSearchJob(SearchJobOptions o) {
  NAS_RETURN_IF_ERROR(SearchJobOptionsFromJson(SearchJobOptionsToJson(o), &o));  // validates
  NAS_ASSIGN_OR_RETURN(DistributedEnv env, DistributedEnvFromEnvironment());
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Distributed> dist, Distributed::Create(env));
  torch::manual_seed(o.seed);
  NAS_ASSIGN_OR_RETURN(SpaceFactory factory, SpaceRegistry().Lookup(o.space));
  NAS_ASSIGN_OR_RETURN(BuiltSpace built, factory(o.space_options));
  NAS_ASSIGN_OR_RETURN(datasets::DatasetFactory dataset_factory,
                       datasets::DatasetRegistry().Lookup(o.dataset));
  datasets::DatasetOptions data_options;
  data_options.data_dir = o.data_dir;
  data_options.synthetic_size = o.synthetic_size;
  data_options.seed = o.seed;
  NAS_ASSIGN_OR_RETURN(datasets::ImageDataset data, dataset_factory(data_options));
  std::vector<int64_t> expected = built.input_shape;
  std::vector<int64_t> actual(data.images.sizes().begin() + 1, data.images.sizes().end());
  if (expected != actual) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dataset '", o.dataset, "' has images of shape [", absl::StrJoin(actual, ", "),
        "] but space '", o.space, "' expects [", absl::StrJoin(expected, ", "),
        "]; set space_options (in_channels, image_size)"));
  }
  NAS_ASSIGN_OR_RETURN(datasets::TrainValid split,
                       datasets::SplitTrainValid(data, o.train_fraction, o.seed));
  datasets::TransformOptions augment;
  augment.crop_padding = 2;
  augment.horizontal_flip = true;
  datasets::DataLoader train(split.train, datasets::LoaderOptions()
                                              .batch_size(o.batch_size)
                                              .workers(o.workers)
                                              .seed(o.seed)
                                              .transforms(augment)
                                              .rank(dist->rank())
                                              .world_size(dist->world_size()));
  datasets::DataLoader valid(split.valid, datasets::LoaderOptions()
                                              .batch_size(o.batch_size)
                                              .shuffle(false)
                                              .workers(o.workers)
                                              .rank(dist->rank())
                                              .world_size(dist->world_size()));
  if (dist->is_main() && !o.trainer.output_dir.empty()) {
    NAS_RETURN_IF_ERROR(MakeDirs(o.trainer.output_dir));
    NAS_RETURN_IF_ERROR(
        WriteJsonFile(JoinPath(o.trainer.output_dir, "config.json"), SearchJobOptionsToJson(o)));
  }
  o.optimizer.seed = o.seed;
  GumbelTrainer trainer(o.trainer, o.optimizer, built, &train, &valid, dist.get());
  NAS_RETURN_IF_ERROR(trainer.fit());
  if (dist->is_main() && !o.trainer.output_dir.empty()) {
    NAS_RETURN_IF_ERROR(SaveWeights(*built.model, JoinPath(o.trainer.output_dir, "supernet.pt")));
    NAS_RETURN_IF_ERROR(CatchExceptions([&] {
      trainer.mutator().export_architecture().save(JoinPath(o.trainer.output_dir, "arch.json"));
      return absl::OkStatus();
    }));
    NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(o.trainer.output_dir, "probabilities.json"),
                                      trainer.mutator().probabilities()));
    LOG(INFO) << "wrote " << o.trainer.output_dir
              << "/{supernet.pt, arch.json, probabilities.json, metrics.jsonl}";
  }
  return absl::OkStatus();
}

}  // namespace nas::gumbel
