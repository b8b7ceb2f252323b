#include "algorithms/darts/search_job.h"

#include <chrono>

#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "algorithms/darts/data.h"
#include "algorithms/darts/darts_trainer.h"
#include "nas/base/file.h"
#include "nas/base/json.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/train/distributed.h"

namespace nas::darts {

namespace {

Json AlphasJson(DartsMutator& mutator) {
  Json out = Json::object();
  for (const auto& [key, weights] : mutator.softmax_weights()) {
    const ChoiceSpec* spec = mutator.search_space().find(key);
    Json edge = Json::object();
    for (int64_t i = 0; i < spec->size(); ++i) edge[spec->candidates[i]] = weights[i].item<double>();
    out[key] = edge;
  }
  return out;
}

}  // namespace

absl::StatusOr<SearchResult> RunSearchJob(const DartsConfig& config, const std::string& output_dir, bool resume) {
  auto start = std::chrono::steady_clock::now();
  NAS_ASSIGN_OR_RETURN(DistributedEnv env, DistributedEnvFromEnvironment());
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Distributed> dist, Distributed::Create(env));
  NAS_ASSIGN_OR_RETURN(DartsData data, LoadDartsData(config, config.search.network));
  torch::manual_seed(config.seed);
  NAS_ASSIGN_OR_RETURN(DartsNetwork network, MakeDartsNetwork(config.search.network));
  auto train = TrainLoader(data.weights, config.data.batch_size, config, config.seed, 0, dist->rank(),
                           dist->world_size());
  auto arch = TrainLoader(data.arch, config.data.batch_size, config, config.seed + 1, 0, dist->rank(),
                          dist->world_size());
  auto valid = EvalLoader(data.arch, config, dist->rank(), dist->world_size());
  if (dist->is_main() && !output_dir.empty()) {
    NAS_RETURN_IF_ERROR(MakeDirs(output_dir));
    NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(output_dir, "config.json"), DartsConfigToJson(config)));
  }
  TrainerOptions trainer_options = config.search.trainer;
  trainer_options.output_dir = output_dir;
  trainer_options.resume = resume;
  DartsTrainerOptions darts = config.search.darts;
  darts.seed = config.seed;
  LOG(INFO) << "DARTS search (" << (darts.unrolled ? "second" : "first") << " order): "
            << config.search.network.layers << " cells x " << config.search.network.channels << " channels, "
            << data.weights.size() << " + " << data.arch.size() << " images (weights + architecture), "
            << trainer_options.epochs << " epochs, " << dist->world_size() << " process(es)";
  std::unique_ptr<DartsTrainer> trainer;
  NAS_RETURN_IF_ERROR(CatchExceptions([&]() -> absl::Status {
    trainer = std::make_unique<DartsTrainer>(trainer_options, darts, network, train.get(), arch.get(), valid.get(),
                                             dist.get());
    return absl::OkStatus();
  }));
  NAS_RETURN_IF_ERROR(trainer->fit());

  SearchResult result;
  result.validation = trainer->last_validation();
  NAS_RETURN_IF_ERROR(CatchExceptions([&]() -> absl::Status {
    result.genotype = trainer->genotype();
    result.architecture = trainer->mutator().export_architecture();
    return absl::OkStatus();
  }));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!dist->is_main() || output_dir.empty()) return result;

  NAS_RETURN_IF_ERROR(WriteArchitecture(JoinPath(output_dir, "architecture.json"), result.architecture));
  NAS_RETURN_IF_ERROR(WriteFileAtomically(JoinPath(output_dir, "genotype.txt"), result.genotype.ToString() + "\n"));
  bool svg = false;
  NAS_RETURN_IF_ERROR(WriteCellDiagram(result.genotype, JoinPath(output_dir, "cells"), &svg));
  NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(output_dir, "alphas.json"), AlphasJson(trainer->mutator())));
  Json validation = Json::object();
  for (const auto& [key, value] : result.validation) validation[key] = value;
  NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(output_dir, "result.json"),
                                    Json{{"validation", validation},
                                         {"genotype", result.genotype.ToString()},
                                         {"param_free_share", result.genotype.parameter_free_share()},
                                         {"param_free_share_normal", result.genotype.normal.parameter_free_share()},
                                         {"unrolled", darts.unrolled},
                                         {"seconds", result.seconds}}));
  LOG(INFO) << "genotype: " << result.genotype.ToString();
  LOG(INFO) << "wrote " << JoinPath(output_dir, "architecture.json") << ", genotype.txt, cells.dot"
            << (svg ? ", cells.svg" : " (no Graphviz `dot`: no cells.svg)") << ", alphas.json, result.json";
  return result;
}

}  // namespace nas::darts
