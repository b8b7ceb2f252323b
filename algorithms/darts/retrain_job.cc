#include "algorithms/darts/retrain_job.h"

#include <chrono>

#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "algorithms/darts/data.h"
#include "algorithms/darts/eval_trainer.h"
#include "algorithms/darts/genotype.h"
#include "nas/base/file.h"
#include "nas/base/json.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/train/distributed.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable_tree.h"

namespace nas::darts {

absl::StatusOr<RetrainResult> RunRetrainJob(const DartsConfig& config, const Architecture& architecture,
                                            const std::string& output_dir, bool resume) {
  auto start = std::chrono::steady_clock::now();
  NAS_ASSIGN_OR_RETURN(DistributedEnv env, DistributedEnvFromEnvironment());
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Distributed> dist, Distributed::Create(env));
  const RetrainOptions& r = config.retrain;
  NAS_ASSIGN_OR_RETURN(DartsData data, LoadDartsData(config, r.network));
  torch::manual_seed(config.seed);
  NAS_ASSIGN_OR_RETURN(DartsNetwork network, MakeDartsNetwork(r.network));
  NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(*network));
  NAS_ASSIGN_OR_RETURN(Decisions decisions, Annotate(architecture.resolve(space), "architecture"));
  NAS_ASSIGN_OR_RETURN(Genotype genotype, Annotate(GenotypeOf(decisions, space), "architecture"));
  NAS_RETURN_IF_ERROR(ApplyFixedArchitecture(*network, architecture));
  RetrainResult result;
  result.parameters = network->parameter_count();
  LOG(INFO) << "retraining " << genotype.ToString();
  LOG(INFO) << r.network.layers << " cells x " << r.network.channels << " channels: " << result.parameters
            << " parameters (" << static_cast<double>(result.parameters) / 1e6
            << "M) without the auxiliary head; " << data.full_train.size() << " training / " << data.test.size()
            << " test images, " << r.trainer.epochs << " epochs";

  auto train = TrainLoader(data.full_train, r.batch_size, config, config.seed, r.cutout, dist->rank(),
                           dist->world_size());
  auto test = EvalLoader(data.test, config, dist->rank(), dist->world_size());
  if (dist->is_main() && !output_dir.empty()) {
    NAS_RETURN_IF_ERROR(MakeDirs(output_dir));
    NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(output_dir, "config.json"), DartsConfigToJson(config)));
  }
  TrainerOptions trainer_options = r.trainer;
  trainer_options.output_dir = output_dir;
  trainer_options.resume = resume;
  EvalTrainerOptions eval;
  eval.lr = r.lr;
  eval.momentum = r.momentum;
  eval.weight_decay = r.weight_decay;
  eval.grad_clip = r.grad_clip;
  eval.auxiliary_weight = r.auxiliary_weight;
  eval.drop_path_prob = r.drop_path_prob;
  EvalTrainer trainer(trainer_options, eval, network, train.get(), test.get(), dist.get());
  NAS_RETURN_IF_ERROR(trainer.fit());
  // The weights after the last step, also when max_steps ends mid-epoch.
  NAS_ASSIGN_OR_RETURN(Metrics final_scores, trainer.validate_now());
  result.test_accuracy = final_scores.count("accuracy") ? final_scores.at("accuracy") : 0;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  LOG(INFO) << "test accuracy " << result.test_accuracy << " (" << result.parameters << " parameters, "
            << result.seconds << " s)";
  if (dist->is_main() && !output_dir.empty()) {
    NAS_RETURN_IF_ERROR(SaveWeights(*network, JoinPath(output_dir, "model.pt")));
    NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(output_dir, "result.json"),
                                      Json{{"test_accuracy", result.test_accuracy},
                                           {"parameters", result.parameters},
                                           {"genotype", genotype.ToString()},
                                           {"seconds", result.seconds}}));
  }
  return result;
}

}  // namespace nas::darts
