#include "tests/extension/scaffold_example/search.h"

#include <torch/torch.h>

#include "absl/strings/str_join.h"
#include "datasets/image_dataset.h"
#include "datasets/loader.h"
#include "datasets/split.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/train/classifier_evaluation.h"
#include "nas/train/distributed.h"
#include "nas/multi_trial/evaluator.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/parameters.h"
#include "nas/multi_trial/tuner.h"

namespace nas::scaffold_example {

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
      .Optional("seed", &out->seed)
      .Optional("tuner_options", &out->tuner_options)
      .Optional("max_trials", &out->max_trials)
      .Optional("eval_batches", &out->eval_batches);
  const Json* trainer = r.Member("trainer");
  const Json* optimizer = r.Member("optimizer");
  NAS_RETURN_IF_ERROR(r.Finish());
  if (trainer != nullptr) {
    NAS_RETURN_IF_ERROR(TrainerOptionsFromJson(*trainer, "config.trainer", &out->trainer));
  }
  if (optimizer != nullptr) {
    NAS_RETURN_IF_ERROR(ScaffoldExampleTrainerOptionsFromJson(*optimizer, "config.optimizer", &out->optimizer));
  }
  if (out->batch_size < 1) return absl::InvalidArgumentError("config.batch_size must be >= 1");
  if (out->workers < 0) return absl::InvalidArgumentError("config.workers must be >= 0");
  if (out->max_trials < 1) return absl::InvalidArgumentError("config.max_trials must be >= 1");
  if (out->eval_batches < 0) return absl::InvalidArgumentError("config.eval_batches must be >= 0");
  if (!(out->train_fraction > 0 && out->train_fraction < 1)) {
    return absl::InvalidArgumentError("config.train_fraction must be in (0, 1)");
  }
  if (!out->tuner_options.is_object()) {
    return absl::InvalidArgumentError("config.tuner_options must be a JSON object");
  }
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
          {"optimizer", ScaffoldExampleTrainerOptionsToJson(o.optimizer)},
          {"tuner_options", o.tuner_options},
          {"max_trials", o.max_trials},
          {"eval_batches", o.eval_batches}};
}

absl::StatusOr<SearchSummary> RunSearchJob(SearchJobOptions o) {
  NAS_RETURN_IF_ERROR(SearchJobOptionsFromJson(SearchJobOptionsToJson(o), &o));  // validates
  if (o.trainer.output_dir.empty()) return absl::InvalidArgumentError("--output_dir is required");
  NAS_ASSIGN_OR_RETURN(DistributedEnv env, DistributedEnvFromEnvironment());
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Distributed> dist, Distributed::Create(env));
  torch::manual_seed(o.seed);
  NAS_ASSIGN_OR_RETURN(SpaceFactory factory, SpaceRegistry().Lookup(o.space));
  NAS_ASSIGN_OR_RETURN(BuiltSpace built, factory(o.space_options));
  // Look the tuner up first: a bad option fails before any training.
  NAS_ASSIGN_OR_RETURN(TunerFactory tuner_factory, TunerRegistry().Lookup("scaffold_example"));
  TunerConfig tuner_config;
  tuner_config.seed = o.seed;
  tuner_config.options = o.tuner_options;
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Tuner> tuner, tuner_factory(tuner_config));

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
  datasets::DataLoader train(split.train, datasets::LoaderOptions()
                                              .batch_size(o.batch_size)
                                              .workers(o.workers)
                                              .seed(o.seed)
                                              .rank(dist->rank())
                                              .world_size(dist->world_size()));
  datasets::DataLoader valid(split.valid, datasets::LoaderOptions()
                                              .batch_size(o.batch_size)
                                              .shuffle(false)
                                              .workers(o.workers)
                                              .rank(dist->rank())
                                              .world_size(dist->world_size()));
  const std::string dir = o.trainer.output_dir;
  if (dist->is_main()) {
    NAS_RETURN_IF_ERROR(MakeDirs(dir));
    NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(dir, "config.json"), SearchJobOptionsToJson(o)));
  }

  // Phase 1: the supernet.
  o.optimizer.seed = o.seed;
  ScaffoldExampleTrainer trainer(o.trainer, o.optimizer, built, &train, &valid, dist.get());
  NAS_RETURN_IF_ERROR(trainer.fit());
  if (!dist->is_main()) return SearchSummary();
  NAS_RETURN_IF_ERROR(SaveWeights(*built.model, JoinPath(dir, "supernet.pt")));

  // Phase 2: the tuner proposes, the supernet scores.
  ScaffoldExampleMutator& mutator = trainer.mutator();
  const SearchSpace& space = mutator.search_space();
  built.model->eval();
  InProcessEvaluator evaluator([&](const TrialRequest& trial) -> absl::StatusOr<TrialReport> {
    NAS_ASSIGN_OR_RETURN(Architecture arch, ArchitectureFromParameters(trial.parameters, space));
    NAS_ASSIGN_OR_RETURN(Decisions decisions, arch.resolve(space));
    mutator.set_decisions(decisions);
    ClassifierScore score = EvaluateClassifier(built.forward, valid, o.eval_batches);
    TrialReport report;
    report.final_value = score.accuracy;
    report.metrics = {{"loss", score.loss}, {"examples", score.examples}};
    return report;
  });
  TunerDriverOptions driver;
  driver.output_dir = JoinPath(dir, "search");
  driver.max_trials = o.max_trials;
  driver.resume = o.trainer.resume;
  driver.seed = o.seed;
  Json identity = {{"tuner", "scaffold_example"},
                   {"tuner_options", o.tuner_options},
                   {"eval_batches", o.eval_batches},
                   {"seed", o.seed}};
  NAS_ASSIGN_OR_RETURN(SearchSummary summary, RunSearch(driver, space, identity, tuner.get(), &evaluator));
  LOG(INFO) << "best supernet accuracy " << summary.best_value << " (trial " << summary.best_trial
            << "), written to " << JoinPath(driver.output_dir, "best_architecture.json");
  return summary;
}

}  // namespace nas::scaffold_example
