#include "nas/jobs/trial_job.h"

#include <chrono>

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include "absl/strings/str_cat.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/base/torch/module_device.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/parameters.h"
#include "nas/jobs/supernet_job.h"
#include "nas/train/classifier_evaluation.h"

namespace nas {
namespace {

// Validation points and the final training loss, gathered during fit().
class TrialProgress : public Callback {
 public:
  TrialProgress(const BuiltSpace& model, BatchSource* valid, int64_t steps, int64_t evaluations)
      : model_(model), valid_(valid), steps_(steps), evaluations_(evaluations) {}

  void on_batch_end(Trainer& trainer, const Batch& batch, const Metrics& metrics) override {
    const int64_t done = trainer.global_step();  // steps finished, this one included
    if (done > steps_ - std::max<int64_t>(1, steps_ / 10)) {
      loss_sum_ += metrics.at("loss");
      ++loss_count_;
    }
    if (done * evaluations_ / steps_ == (done - 1) * evaluations_ / steps_) return;
    model_.model->eval();
    const at::Device device = DeviceOf(*model_.model);
    ClassifierScore score = EvaluateClassifier(
        [&](const at::Tensor& x) { return model_.forward(x.to(device)).to(at::kFloat).cpu(); },
        *valid_);
    model_.model->train();
    accuracies_.push_back(score.accuracy);
    LOG(INFO) << "step " << done << "/" << steps_ << ": valid accuracy " << score.accuracy;
  }

  const std::vector<double>& accuracies() const { return accuracies_; }
  double train_loss() const { return loss_count_ == 0 ? 0.0 : loss_sum_ / loss_count_; }

 private:
  const BuiltSpace& model_;
  BatchSource* valid_;
  int64_t steps_, evaluations_;
  std::vector<double> accuracies_;
  double loss_sum_ = 0;
  int64_t loss_count_ = 0;
};

}  // namespace

DataOptions TrialJobOptions::DefaultTrialData() {
  DataOptions data;
  data.valid_examples = 2000;
  data.workers = 1;
  return data;
}

ClassifierTrainerOptions TrialJobOptions::DefaultTrialOptimizer() {
  ClassifierTrainerOptions o;
  o.lr = 0.05;
  o.schedule = "cosine_steps";
  o.nesterov = true;
  o.weight_decay = 1e-4;
  return o;
}

absl::Status TrialJobOptionsFromJson(const Json& j, const std::string& path, TrialJobOptions* o) {
  JsonObjectReader r(j, path);
  r.Optional("space", &o->space)
      .Optional("space_options", &o->space_options)
      .Optional("steps", &o->steps)
      .Optional("evaluations", &o->evaluations)
      .Optional("precision", &o->precision)
      .Optional("device", &o->device)
      .Optional("test_evaluation", &o->test_evaluation)
      .Optional("seed", &o->seed)
      .Optional("split_seed", &o->split_seed);
  const Json* data = r.Member("data");
  const Json* optimizer = r.Member("optimizer");
  std::string preset;
  r.Optional("preset", &preset);  // trial programs have one configuration; accepted for symmetry
  NAS_RETURN_IF_ERROR(r.Finish());
  if (data != nullptr)
    NAS_RETURN_IF_ERROR(DataOptionsFromJson(*data, JsonChildPath(path, "data"), &o->data));
  if (optimizer != nullptr) {
    NAS_RETURN_IF_ERROR(ClassifierTrainerOptionsFromJson(
        *optimizer, JsonChildPath(path, "optimizer"), &o->optimizer));
  }
  if (o->space.empty())
    return absl::InvalidArgumentError(absl::StrCat(JsonChildPath(path, "space"), " is empty"));
  if (!o->space_options.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(JsonChildPath(path, "space_options"), ": expected an object"));
  }
  if (o->steps < 1)
    return absl::InvalidArgumentError(absl::StrCat(JsonChildPath(path, "steps"), " must be >= 1"));
  if (o->evaluations < 1 || o->evaluations > o->steps) {
    return absl::InvalidArgumentError(
        absl::StrCat(JsonChildPath(path, "evaluations"), " must be in [1, steps]"));
  }
  return absl::OkStatus();
}

Json TrialJobOptionsToJson(const TrialJobOptions& o) {
  return {{"space", o.space},
          {"space_options", o.space_options},
          {"data", DataOptionsToJson(o.data)},
          {"steps", o.steps},
          {"evaluations", o.evaluations},
          {"optimizer", ClassifierTrainerOptionsToJson(o.optimizer)},
          {"precision", o.precision},
          {"device", o.device},
          {"test_evaluation", o.test_evaluation},
          {"seed", o.seed},
          {"split_seed", o.split_seed}};
}

absl::StatusOr<TrialReport> RunTrialJob(const TrialJobOptions& o, const Json& parameters) {
  auto start = std::chrono::steady_clock::now();
  NAS_ASSIGN_OR_RETURN(BuiltSpace built, BuildSpace(o.space, o.space_options, o.seed));
  NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(*built.model));
  NAS_ASSIGN_OR_RETURN(Architecture arch,
                       Annotate(ArchitectureFromParameters(parameters, space), "parameters"));
  NAS_RETURN_IF_ERROR(Annotate(ApplyFixedArchitecture(*built.model, arch), "parameters"));
  // Every trial of a search sees the same examples.
  NAS_ASSIGN_OR_RETURN(ImageData data, LoadImageData(o.data, built, o.space, o.split_seed,
                                                     /*with_test=*/o.test_evaluation));
  if (data.train.size() < o.data.batch_size) {
    return absl::InvalidArgumentError(absl::StrCat("the training split (", data.train.size(),
                                                   " examples) is smaller than one batch of ",
                                                   o.data.batch_size));
  }
  auto train = TrainLoader(data.train, o.data, o.seed);
  auto valid = EvalLoader(data.valid, o.data);
  TrainerOptions trainer_options;
  trainer_options.epochs = (o.steps + train->batches_per_epoch() - 1) / train->batches_per_epoch();
  trainer_options.max_steps = o.steps;
  trainer_options.log_every = std::max<int64_t>(1, o.steps / 4);
  trainer_options.progress = false;
  trainer_options.precision = o.precision;
  trainer_options.device = o.device;
  ClassifierTrainer trainer(trainer_options, o.optimizer, built, train.get(), /*valid=*/nullptr);
  auto progress = std::make_shared<TrialProgress>(built, valid.get(), o.steps, o.evaluations);
  trainer.add_callback(progress);
  NAS_RETURN_IF_ERROR(trainer.fit());
  int64_t n_parameters = 0;
  for (const auto& p : built.model->parameters()) n_parameters += p.numel();
  TrialReport report;
  report.intermediate = progress->accuracies();
  if (report.intermediate.empty())
    return absl::InternalError("the trial ended before its last evaluation");
  report.final_value = report.intermediate.back();
  report.metrics = {{"parameters", n_parameters},
                    {"train_loss", progress->train_loss()},
                    {"steps", trainer.global_step()}};
  if (o.test_evaluation) {
    auto test = EvalLoader(data.test, o.data);
    built.model->eval();
    const at::Device device = DeviceOf(*built.model);
    ClassifierScore score = EvaluateClassifier(
        [&](const at::Tensor& x) { return built.forward(x.to(device)).to(at::kFloat).cpu(); },
        *test);
    report.metrics["test_accuracy"] = score.accuracy;
    report.metrics["test_loss"] = score.loss;
  }
  report.metrics["seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace nas
