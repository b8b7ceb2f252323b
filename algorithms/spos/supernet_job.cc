#include "algorithms/spos/supernet_job.h"

#include <chrono>

#include <torch/torch.h>

#include "algorithms/spos/data.h"
#include "algorithms/spos/path_cost.h"
#include "algorithms/spos/spos_trainer.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/train/distributed.h"
#include "nas/core/fixed_architecture.h"

namespace nas::spos {

absl::StatusOr<SupernetResult> RunSupernetJob(const SposConfig& config, const std::string& output_dir, bool resume) {
  auto start = std::chrono::steady_clock::now();
  NAS_ASSIGN_OR_RETURN(DistributedEnv env, DistributedEnvFromEnvironment());
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Distributed> dist, Distributed::Create(env));
  NAS_ASSIGN_OR_RETURN(SposData data, LoadSposData(config));
  torch::manual_seed(config.seed);
  ShuffleNetSpaceOptions space = config.space;
  space.affine = false;  // the supernet's BN has no affine parameters
  NAS_ASSIGN_OR_RETURN(std::shared_ptr<ShuffleNetSupernetImpl> supernet, MakeShuffleNet(space));
  PathCost cost;
  if (config.supernet.spos.sampling.sampling == "flops_bins") {
    NAS_ASSIGN_OR_RETURN(FlopsTable table, FlopsTable::Build(space));
    cost = MacsOfPath(std::make_shared<const FlopsTable>(std::move(table)), static_cast<int>(supernet->blocks.size()));
  }
  auto train = TrainLoader(data.train, config, config.seed, dist->rank(), dist->world_size());
  auto valid = EvalLoader(data.valid, config);
  if (dist->is_main() && !output_dir.empty()) {
    NAS_RETURN_IF_ERROR(MakeDirs(output_dir));
    NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(output_dir, "config.json"), SposConfigToJson(config)));
  }
  TrainerOptions trainer_options = config.supernet.trainer;
  trainer_options.output_dir = output_dir;
  trainer_options.resume = resume;
  SposTrainerOptions spos = config.supernet.spos;
  spos.seed = config.seed;
  LOG(INFO) << "supernet: " << supernet->blocks.size() << " choice blocks, " << data.train.size()
            << " training / " << data.valid.size() << " validation images, " << trainer_options.epochs
            << " epochs, " << dist->world_size() << " process(es)";
  SposTrainer trainer(trainer_options, spos, supernet, train.get(), valid.get(), dist.get(), cost);
  NAS_RETURN_IF_ERROR(trainer.fit());
  if (cost) {
    LOG(INFO) << "FLOPs-bin sampling: " << trainer.mutator().fallbacks() << " of " << trainer.mutator().paths()
              << " paths fell back to unconstrained";
  }
  if (dist->is_main() && !output_dir.empty()) {
    NAS_RETURN_IF_ERROR(SaveWeights(*supernet, JoinPath(output_dir, "supernet.pt")));
    LOG(INFO) << "wrote " << JoinPath(output_dir, "supernet.pt");
  }
  SupernetResult result;
  result.validation = trainer.last_validation();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace nas::spos
