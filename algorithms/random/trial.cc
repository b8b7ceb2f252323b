#include "algorithms/random/trial.h"

#include <chrono>
#include <cmath>

#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "datasets/image_dataset.h"
#include "datasets/loader.h"
#include "datasets/split.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/space_registry.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/parameters.h"

namespace nas::random {

absl::Status ValidateTrialJobOptions(const TrialJobOptions& o) {
  if (o.steps < 1) return absl::InvalidArgumentError("--steps must be >= 1");
  if (o.batch_size < 1) return absl::InvalidArgumentError("--batch_size must be >= 1");
  if (!(o.learning_rate > 0)) return absl::InvalidArgumentError("--learning_rate must be > 0");
  if (o.weight_decay < 0) return absl::InvalidArgumentError("--weight_decay must be >= 0");
  if (o.evaluations < 1) return absl::InvalidArgumentError("--evaluations must be >= 1");
  if (o.valid_examples < 0) return absl::InvalidArgumentError("--valid_examples must be >= 0");
  if (!(o.train_fraction > 0 && o.train_fraction < 1)) {
    return absl::InvalidArgumentError("--train_fraction must be in (0, 1)");
  }
  return absl::OkStatus();
}

namespace {

double Accuracy(const BuiltSpace& built, datasets::DataLoader& loader) {
  torch::NoGradGuard no_grad;
  built.model->eval();
  int64_t correct = 0, total = 0;
  loader.start_epoch(0);
  while (auto batch = loader.next()) {
    at::Tensor logits = built.forward(batch->data);
    correct += logits.argmax(1).eq(batch->target).sum().item<int64_t>();
    total += batch->target.size(0);
  }
  built.model->train();
  return total == 0 ? 0 : static_cast<double>(correct) / total;
}

}  // namespace

absl::StatusOr<TrialReport> RunTrialJob(const TrialJobOptions& o, const Json& parameters) {
  NAS_RETURN_IF_ERROR(ValidateTrialJobOptions(o));
  auto start = std::chrono::steady_clock::now();
  torch::manual_seed(o.seed);
  NAS_ASSIGN_OR_RETURN(SpaceFactory factory, SpaceRegistry().Lookup(o.space));
  NAS_ASSIGN_OR_RETURN(BuiltSpace built, factory(o.space_options));
  NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(*built.model));
  NAS_ASSIGN_OR_RETURN(Architecture arch, Annotate(ArchitectureFromParameters(parameters, space), "parameters"));
  NAS_RETURN_IF_ERROR(ApplyFixedArchitecture(*built.model, arch));

  NAS_ASSIGN_OR_RETURN(datasets::DatasetFactory dataset_factory, datasets::DatasetRegistry().Lookup(o.dataset));
  datasets::DatasetOptions data_options;
  data_options.data_dir = o.data_dir;
  data_options.synthetic_size = o.synthetic_size;
  data_options.seed = o.seed;
  NAS_ASSIGN_OR_RETURN(datasets::ImageDataset data, dataset_factory(data_options));
  std::vector<int64_t> actual(data.images.sizes().begin() + 1, data.images.sizes().end());
  if (actual != built.input_shape) {
    return absl::InvalidArgumentError(absl::StrCat("dataset '", o.dataset, "' has images of shape [",
                                                   absl::StrJoin(actual, ", "), "] but space '", o.space,
                                                   "' expects [", absl::StrJoin(built.input_shape, ", "), "]"));
  }
  // Every trial of a search is scored on the same validation examples.
  NAS_ASSIGN_OR_RETURN(datasets::TrainValid split,
                       datasets::SplitTrainValid(data, o.train_fraction, o.split_seed));
  if (o.valid_examples > 0 && split.valid.size() > o.valid_examples) {
    split.valid = split.valid.subset(torch::arange(o.valid_examples));
  }
  datasets::TransformOptions augment;
  augment.crop_padding = 2;
  datasets::DataLoader train(split.train, datasets::LoaderOptions().batch_size(o.batch_size).seed(o.seed)
                                              .transforms(augment).drop_last(true));
  datasets::DataLoader valid(split.valid, datasets::LoaderOptions().batch_size(256).shuffle(false));

  int64_t n_parameters = 0;
  for (const auto& p : built.model->parameters()) n_parameters += p.numel();
  torch::optim::SGD optimizer(built.model->parameters(), torch::optim::SGDOptions(o.learning_rate)
                                                             .momentum(0.9)
                                                             .nesterov(true)
                                                             .weight_decay(o.weight_decay));
  TrialReport report;
  double loss_sum = 0;
  int64_t loss_count = 0;
  int64_t epoch = 0;
  train.start_epoch(epoch);
  for (int64_t step = 0; step < o.steps; ++step) {
    std::optional<Batch> batch = train.next();
    if (!batch) {
      train.start_epoch(++epoch);
      batch = train.next();
    }
    double lr = 0.5 * o.learning_rate * (1 + std::cos(M_PI * step / o.steps));
    for (auto& group : optimizer.param_groups()) {
      static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
    }
    optimizer.zero_grad();
    at::Tensor loss = torch::nn::functional::cross_entropy(built.forward(batch->data), batch->target);
    loss.backward();
    optimizer.step();
    if (step >= o.steps - std::max<int64_t>(1, o.steps / 10)) {
      loss_sum += loss.item<double>();
      ++loss_count;
    }
    if ((step + 1) * o.evaluations / o.steps != step * o.evaluations / o.steps) {
      report.intermediate.push_back(Accuracy(built, valid));
      LOG(INFO) << "step " << step + 1 << "/" << o.steps << ": valid accuracy " << report.intermediate.back();
    }
  }
  report.final_value = report.intermediate.back();
  report.metrics = {
      {"parameters", n_parameters},
      {"train_loss", loss_count == 0 ? 0.0 : loss_sum / loss_count},
      {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()}};
  return report;
}

}  // namespace nas::random
