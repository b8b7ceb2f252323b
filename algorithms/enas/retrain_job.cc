#include "algorithms/enas/retrain_job.h"

#include <chrono>

#include <torch/torch.h>

#include "algorithms/enas/data.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/train/classifier_evaluation.h"
#include "nas/train/distributed.h"
#include "nas/core/fixed_architecture.h"
#include "nas/train/lr_schedule.h"
#include "nas/core/space_registry.h"
#include "nas/train/trainer.h"

namespace nas::enas {
namespace {

// Trains a fixed network; validation = accuracy on the test data.
class ChildTrainer : public Trainer {
 public:
  ChildTrainer(TrainerOptions options, const RetrainJobOptions& recipe, BuiltSpace model, BatchSource* train,
               BatchSource* test, Distributed* dist)
      : Trainer(options, model.model, train, dist), model_(std::move(model)), test_(test) {
    sgd_ = std::make_unique<torch::optim::SGD>(
        model_.model->parameters(),
        torch::optim::SGDOptions(recipe.lr).momentum(recipe.momentum).weight_decay(recipe.weight_decay));
    add_optimizer("sgd", sgd_.get(), CosineLr(recipe.lr, recipe.min_lr, std::max<int64_t>(1, options.epochs)));
  }

 protected:
  Metrics train_step(const Batch& batch) override {
    at::Tensor logits;
    {
      auto guard = autocast();
      logits = model_.forward(batch.data);
    }
    at::Tensor loss = torch::nn::functional::cross_entropy(logits.to(at::kFloat), batch.target);
    backward(loss);
    step(*sgd_, /*clip_norm=*/5.0);
    return {{"loss", loss.item<double>()},
            {"accuracy", (logits.argmax(1) == batch.target).to(at::kFloat).mean().item<double>()}};
  }

  Metrics validate(int64_t) override {
    ClassifierScore score = EvaluateClassifier(
        [&](const at::Tensor& x) {
          auto guard = autocast();
          return model_.forward(x.to(device())).to(at::kFloat).cpu();
        },
        *test_);
    return {{"loss", score.loss}, {"accuracy", score.accuracy}};
  }

 private:
  BuiltSpace model_;
  BatchSource* test_;
  std::unique_ptr<torch::optim::SGD> sgd_;
};

}  // namespace

Json RetrainResultToJson(const RetrainResult& r) {
  return {{"test_accuracy", r.test_accuracy},
          {"test_loss", r.test_loss},
          {"parameters", r.parameters},
          {"seconds", r.seconds}};
}

absl::StatusOr<RetrainResult> RunRetrainJob(const EnasConfig& config, const Architecture& arch,
                                            const std::string& output_dir, bool resume) {
  auto start = std::chrono::steady_clock::now();
  NAS_ASSIGN_OR_RETURN(DistributedEnv env, DistributedEnvFromEnvironment());
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Distributed> dist, Distributed::Create(env));
  NAS_ASSIGN_OR_RETURN(SpaceFactory factory, SpaceRegistry().Lookup(config.space));
  torch::manual_seed(config.seed);
  NAS_ASSIGN_OR_RETURN(BuiltSpace built, Annotate(factory(config.space_options), "space_options"));
  NAS_RETURN_IF_ERROR(Annotate(ApplyFixedArchitecture(*built.model, arch), "--architecture"));
  NAS_ASSIGN_OR_RETURN(EnasData data,
                       LoadEnasData(config, built.input_shape, config.space_options.value("classes", 10)));
  RetrainResult result;
  for (const auto& p : built.model->parameters()) result.parameters += p.numel();
  if (dist->is_main() && !output_dir.empty()) {
    NAS_RETURN_IF_ERROR(MakeDirs(output_dir));
    NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(output_dir, "config.json"), EnasConfigToJson(config)));
    NAS_RETURN_IF_ERROR(WriteArchitecture(JoinPath(output_dir, "architecture.json"), arch));
  }
  auto train = TrainLoader(data.full_train, config.data.batch_size, config, config.seed + 4, dist->rank(),
                           dist->world_size());
  auto test = EvalLoader(data.test, config);
  TrainerOptions options = config.retrain.trainer;
  options.output_dir = output_dir;
  options.resume = resume;
  LOG(INFO) << "retrain: " << result.parameters << " parameters, " << data.full_train.size()
            << " training images, " << options.epochs << " epochs, from scratch";
  ChildTrainer trainer(options, config.retrain, built, train.get(), test.get(), dist.get());
  NAS_RETURN_IF_ERROR(trainer.fit());
  // Measured here, not taken from the last epoch's validation: a run
  // stopped by max_steps (or resumed after its end) has none.
  built.model->eval();
  ClassifierScore score = EvaluateClassifier([&](const at::Tensor& x) { return built.forward(x); }, *test);
  result.test_accuracy = score.accuracy;
  result.test_loss = score.loss;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (dist->is_main() && !output_dir.empty()) {
    NAS_RETURN_IF_ERROR(SaveWeights(*built.model, JoinPath(output_dir, "model.pt")));
    NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(output_dir, "result.json"), RetrainResultToJson(result)));
  }
  LOG(INFO) << "retrain: test accuracy " << result.test_accuracy;
  return result;
}

}  // namespace nas::enas
