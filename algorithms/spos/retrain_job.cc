#include "algorithms/spos/retrain_job.h"

#include <chrono>

#include <torch/torch.h>

#include "algorithms/spos/data.h"
#include "algorithms/spos/path_cost.h"
#include "nas/train/weight_decay.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/train/classifier_evaluation.h"
#include "nas/train/distributed.h"
#include "nas/core/fixed_architecture.h"
#include "nas/train/lr_schedule.h"
#include "nas/train/trainer.h"

namespace nas::spos {
namespace {

// Trains a fixed network; validation = accuracy on the evaluation data.
class ChildTrainer : public Trainer {
 public:
  ChildTrainer(TrainerOptions options, const RetrainJobOptions& recipe, std::shared_ptr<ShuffleNetSupernetImpl> net,
               BatchSource* train, BatchSource* eval, Distributed* dist)
      : Trainer(options, net, train, dist), recipe_(recipe), net_(std::move(net)), eval_(eval) {
    WeightDecayGroups groups = SplitForWeightDecay(*net_);
    std::vector<torch::optim::OptimizerParamGroup> param_groups;
    param_groups.emplace_back(groups.decay, std::make_unique<torch::optim::SGDOptions>(
                                                torch::optim::SGDOptions(recipe.lr)
                                                    .momentum(recipe.momentum)
                                                    .weight_decay(recipe.weight_decay)));
    param_groups.emplace_back(groups.no_decay,
                              std::make_unique<torch::optim::SGDOptions>(
                                  torch::optim::SGDOptions(recipe.lr).momentum(recipe.momentum).weight_decay(0)));
    sgd_ = std::make_unique<torch::optim::SGD>(std::move(param_groups), torch::optim::SGDOptions(recipe.lr));
    int64_t total = options.epochs * train->batches_per_epoch();
    if (options.max_steps > 0) total = std::min(total, options.max_steps);
    add_optimizer("sgd", sgd_.get(), LinearDecayLr(recipe.lr, std::max<int64_t>(total, 1)));
  }

 protected:
  Metrics train_step(const Batch& batch) override {
    at::Tensor logits;
    {
      auto guard = autocast();
      logits = net_->forward(batch.data);
    }
    at::Tensor loss = torch::nn::functional::cross_entropy(
        logits.to(at::kFloat), batch.target,
        torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(recipe_.label_smoothing));
    backward(loss);
    step(*sgd_);
    return {{"loss", loss.item<double>()},
            {"accuracy", (logits.argmax(1) == batch.target).to(at::kFloat).mean().item<double>()}};
  }

  Metrics validate(int64_t) override {
    ClassifierScore score = EvaluateClassifier([&](const at::Tensor& x) { return net_->forward(x); }, *eval_);
    return {{"loss", score.loss}, {"accuracy", score.accuracy}};
  }

 private:
  RetrainJobOptions recipe_;
  std::shared_ptr<ShuffleNetSupernetImpl> net_;
  BatchSource* eval_;
  std::unique_ptr<torch::optim::SGD> sgd_;
};

}  // namespace

Json RetrainResultToJson(const RetrainResult& r) {
  return {{"test_accuracy", r.test_accuracy},
          {"test_loss", r.test_loss},
          {"flops", r.flops},
          {"params", r.params},
          {"seconds", r.seconds}};
}

absl::StatusOr<RetrainResult> RunRetrainJob(const SposConfig& config, const Architecture& arch,
                                            const std::string& output_dir, bool resume,
                                            const std::string& inherit_from) {
  auto start = std::chrono::steady_clock::now();
  NAS_ASSIGN_OR_RETURN(DistributedEnv env, DistributedEnvFromEnvironment());
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Distributed> dist, Distributed::Create(env));
  ShuffleNetSpaceOptions space = config.space;
  space.affine = inherit_from.empty();
  NAS_ASSIGN_OR_RETURN(std::vector<int> choices, ChoicesFromArchitecture(arch, space));
  NAS_ASSIGN_OR_RETURN(SposData data, LoadSposData(config));
  torch::manual_seed(config.seed);
  NAS_ASSIGN_OR_RETURN(std::shared_ptr<ShuffleNetSupernetImpl> net, MakeShuffleNet(space));
  if (!inherit_from.empty()) NAS_RETURN_IF_ERROR(Annotate(LoadWeights(*net, inherit_from), "--inherit"));
  NAS_RETURN_IF_ERROR(ApplyFixedArchitecture(*net, arch));
  NAS_ASSIGN_OR_RETURN(FlopsTable table, FlopsTable::Build(space));
  RetrainResult result;
  result.flops = static_cast<double>(table.macs(choices));
  result.params = static_cast<double>(table.parameters(choices));
  if (dist->is_main() && !output_dir.empty()) {
    NAS_RETURN_IF_ERROR(MakeDirs(output_dir));
    NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(output_dir, "config.json"), SposConfigToJson(config)));
    NAS_RETURN_IF_ERROR(WriteArchitecture(JoinPath(output_dir, "architecture.json"), arch));
  }
  auto train = TrainLoader(data.full_train, config, config.seed + 2, dist->rank(), dist->world_size());
  auto test = EvalLoader(data.test, config);
  TrainerOptions options = config.retrain.trainer;
  options.output_dir = output_dir;
  options.resume = resume;
  LOG(INFO) << "retrain: " << result.flops / 1e6 << "M FLOPs, " << result.params / 1e6 << "M parameters, "
            << data.full_train.size() << " training images, " << options.epochs << " epochs"
            << (inherit_from.empty() ? ", from scratch" : ", from the supernet's weights");
  ChildTrainer trainer(options, config.retrain, net, train.get(), test.get(), dist.get());
  NAS_RETURN_IF_ERROR(trainer.fit());
  // The weights after the last step: the preset's 800 steps end mid-epoch,
  // where fit() does not validate.
  NAS_ASSIGN_OR_RETURN(Metrics final_scores, trainer.validate_now());
  result.test_accuracy = final_scores.at("accuracy");
  result.test_loss = final_scores.at("loss");
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (dist->is_main() && !output_dir.empty()) {
    NAS_RETURN_IF_ERROR(SaveWeights(*net, JoinPath(output_dir, "model.pt")));
    NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(output_dir, "result.json"), RetrainResultToJson(result)));
  }
  LOG(INFO) << "retrain: test accuracy " << result.test_accuracy;
  return result;
}

}  // namespace nas::spos
