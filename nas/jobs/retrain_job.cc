#include "nas/jobs/retrain_job.h"

#include <chrono>

#include <torch/nn/module.h>

#include "absl/strings/str_cat.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/core/fixed_architecture.h"
#include "nas/export/export_model.h"
#include "nas/jobs/supernet_job.h"

namespace nas {

absl::Status RetrainSectionFromJson(const Json& j, const std::string& path, RetrainSection* out) {
  if (!j.is_object()) return absl::InvalidArgumentError(absl::StrCat(path, ": expected an object"));
  Json recipe = j;
  recipe.erase("trainer");
  NAS_RETURN_IF_ERROR(ClassifierTrainerOptionsFromJson(recipe, path, &out->optimizer));
  if (j.contains("trainer")) {
    NAS_RETURN_IF_ERROR(
        TrainerOptionsFromJson(j["trainer"], JsonChildPath(path, "trainer"), &out->trainer));
  }
  return absl::OkStatus();
}

Json RetrainSectionToJson(const RetrainSection& s) {
  Json j = ClassifierTrainerOptionsToJson(s.optimizer);
  j["trainer"] = TrainerOptionsToJson(s.trainer);
  return j;
}

namespace {

class ClassifierRetraining : public Retraining {
 public:
  ClassifierRetraining(RetrainInputs& in, ClassifierTrainerOptions optimizer, uint64_t loader_seed,
                       int cutout, std::function<Json(const RetrainInputs&)> extra)
      : in_(in),
        train_(TrainLoader(in.data.full_train, in.data_options, loader_seed, in.rank(),
                           in.world_size(), cutout)),
        test_(EvalLoader(in.data.test, in.data_options)),
        trainer_(in.trainer, std::move(optimizer), in.model, train_.get(), test_.get(),
                 in.distributed),
        extra_(std::move(extra)) {}

  Trainer& trainer() override { return trainer_; }
  Json result_extra() override { return extra_ ? extra_(in_) : Json::object(); }

 private:
  const RetrainInputs& in_;
  std::unique_ptr<datasets::DataLoader> train_, test_;
  ClassifierTrainer trainer_;
  std::function<Json(const RetrainInputs&)> extra_;
};

}  // namespace

RetrainFactory MakeClassifierRetraining(ClassifierTrainerOptions optimizer, uint64_t loader_seed,
                                        int cutout,
                                        std::function<Json(const RetrainInputs&)> extra) {
  return [=](RetrainInputs& in) -> absl::StatusOr<std::unique_ptr<Retraining>> {
    return std::make_unique<ClassifierRetraining>(in, optimizer, loader_seed, cutout, extra);
  };
}

Json RetrainJobResultToJson(const RetrainJobResult& r) {
  Json j = {{"test_accuracy", r.test_accuracy},
            {"test_loss", r.test_loss},
            {"parameters", r.parameters},
            {"seconds", r.seconds}};
  for (auto it = r.extra.begin(); it != r.extra.end(); ++it) j[it.key()] = it.value();
  return j;
}

absl::StatusOr<RetrainJobResult> RunRetrainJob(const RetrainJobOptions& o, const Json& config,
                                               const Architecture& architecture,
                                               const std::string& output_dir, bool resume,
                                               const RetrainFactory& factory) {
  auto start = std::chrono::steady_clock::now();
  std::string device = o.trainer.device;
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Distributed> dist, JoinProcessGroup(&device));
  RetrainInputs inputs;
  inputs.space_name = o.space;
  NAS_ASSIGN_OR_RETURN(inputs.model, BuildSpace(o.space, o.space_options, o.seed));
  if (!o.inherit.empty())
    NAS_RETURN_IF_ERROR(Annotate(LoadWeights(*inputs.model.model, o.inherit), "--inherit"));
  NAS_RETURN_IF_ERROR(
      Annotate(ApplyFixedArchitecture(*inputs.model.model, architecture), "architecture"));
  NAS_ASSIGN_OR_RETURN(inputs.data,
                       LoadImageData(o.data, inputs.model, o.space, o.seed, /*with_test=*/true));
  inputs.data_options = o.data;
  inputs.trainer = o.trainer;
  inputs.trainer.device = device;
  inputs.trainer.output_dir = output_dir;
  inputs.trainer.resume = resume;
  inputs.seed = o.seed;
  inputs.distributed = dist.get();
  NAS_RETURN_IF_ERROR(WriteJobConfig(output_dir, config, *dist));
  if (dist->is_main() && !output_dir.empty()) {
    NAS_RETURN_IF_ERROR(WriteArchitecture(JoinPath(output_dir, "architecture.json"), architecture));
  }
  RetrainJobResult result;
  for (const auto& p : inputs.model.model->parameters()) result.parameters += p.numel();
  std::unique_ptr<Retraining> retraining;
  NAS_RETURN_IF_ERROR(CatchExceptions([&]() -> absl::Status {
    NAS_ASSIGN_OR_RETURN(retraining, factory(inputs));
    return absl::OkStatus();
  }));
  if (std::optional<int64_t> n = retraining->parameter_count()) result.parameters = *n;
  LOG(INFO) << "retrain: " << result.parameters << " parameters, " << inputs.data.full_train.size()
            << " training images, " << inputs.trainer.epochs << " epochs"
            << (o.inherit.empty() ? ", from scratch" : ", from the supernet's weights");
  NAS_RETURN_IF_ERROR(retraining->trainer().fit());
  // The weights after the last step, also when max_steps ends mid-epoch
  // (fit() validates at epoch ends only).
  NAS_ASSIGN_OR_RETURN(Metrics final_scores, retraining->trainer().validate_now());
  result.test_accuracy = final_scores.count("accuracy") ? final_scores.at("accuracy") : 0;
  result.test_loss = final_scores.count("loss") ? final_scores.at("loss") : 0;
  NAS_RETURN_IF_ERROR(CatchExceptions([&] {
    result.extra = retraining->result_extra();
    return absl::OkStatus();
  }));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (dist->is_main() && !output_dir.empty()) {
    NAS_RETURN_IF_ERROR(SaveWeights(*inputs.model.model, JoinPath(output_dir, "model.pt")));
    if (o.export_model) {
      ExportOptions export_options;
      export_options.seed = o.seed;
      export_options.extra = {{"space", o.space},
                              {"space_options", o.space_options},
                              {"architecture", architecture.to_json()},
                              {"weights", JoinPath(output_dir, "model.pt")}};
      NAS_ASSIGN_OR_RETURN(
          ExportReport exported,
          Annotate(ExportModel(*inputs.model.model, inputs.model.forward, inputs.model.input_shape,
                               output_dir, export_options),
                   "--export"));
      LOG(INFO) << "retrain: exported " << kTorchScriptFile << " and " << kStateDictFile
                << " (TorchScript reloaded = the model within " << exported.max_abs_difference
                << ")";
    }
    NAS_RETURN_IF_ERROR(
        WriteJsonFile(JoinPath(output_dir, "result.json"), RetrainJobResultToJson(result)));
  }
  LOG(INFO) << "retrain: test accuracy " << result.test_accuracy << " (" << result.seconds << " s)";
  return result;
}

}  // namespace nas
