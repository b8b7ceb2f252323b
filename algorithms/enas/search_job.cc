#include "algorithms/enas/search_job.h"

#include <chrono>
#include <numeric>
#include <sstream>

#include <torch/torch.h>

#include "algorithms/enas/data.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/train/distributed.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable_tree.h"

namespace nas::enas {
namespace {

double Mean(const std::vector<double>& v) {
  return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double Max(const std::vector<double>& v) { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }

}  // namespace

Json SearchResultToJson(const SearchResult& r) {
  const EnasExport& e = r.exported;
  return {{"best_accuracy", e.best.accuracy},
          {"greedy_accuracy", e.greedy.accuracy},
          {"samples", e.sample_accuracies.size()},
          {"samples_mean_accuracy", Mean(e.sample_accuracies)},
          {"random", e.random_accuracies.size()},
          {"random_mean_accuracy", Mean(e.random_accuracies)},
          {"random_best_accuracy", Max(e.random_accuracies)},
          {"mean_reward_per_epoch", r.epoch_rewards},
          {"best_architecture", e.best.architecture.to_json()},
          {"greedy_architecture", e.greedy.architecture.to_json()},
          {"seconds", r.seconds}};
}

absl::StatusOr<SearchResult> RunSearchJob(const EnasConfig& config, const std::string& output_dir, bool resume) {
  auto start = std::chrono::steady_clock::now();
  NAS_ASSIGN_OR_RETURN(DistributedEnv env, DistributedEnvFromEnvironment());
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Distributed> dist, Distributed::Create(env));
  NAS_ASSIGN_OR_RETURN(SpaceFactory factory, SpaceRegistry().Lookup(config.space));
  torch::manual_seed(config.seed);
  NAS_ASSIGN_OR_RETURN(BuiltSpace built, Annotate(factory(config.space_options), "space_options"));
  NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(*built.model));
  NAS_ASSIGN_OR_RETURN(EnasData data,
                       LoadEnasData(config, built.input_shape, config.space_options.value("classes", 10)));
  if (dist->is_main() && !output_dir.empty()) {
    NAS_RETURN_IF_ERROR(MakeDirs(output_dir));
    NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(output_dir, "config.json"), EnasConfigToJson(config)));
    NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(output_dir, "search_space.json"), space.to_json()));
  }
  auto train = TrainLoader(data.train, config.data.batch_size, config, config.seed + 1, dist->rank(),
                           dist->world_size());
  auto reward = RewardLoader(data.valid, config, config.seed + 2, dist->rank(), dist->world_size());
  auto scores = EvalLoader(data.valid, config, dist->rank(), dist->world_size());
  TrainerOptions options = config.search.trainer;
  options.output_dir = output_dir;
  options.resume = resume;
  EnasTrainerOptions enas = config.search.enas;
  enas.mutator.seed = config.seed;
  LOG(INFO) << "ENAS search on " << config.space << ": " << space.choices().size() << " decisions, "
            << data.train.size() << " shared-weight images, " << data.valid.size() << " validation images, "
            << options.epochs << " epochs of " << train->batches_per_epoch() << " steps + "
            << enas.controller_steps << " x " << enas.aggregate << " controller samples";
  EnasTrainer trainer(options, enas, built, train.get(), reward.get(), dist.get());
  NAS_RETURN_IF_ERROR(trainer.fit());
  SearchResult result;
  result.exported = trainer.export_architectures(*scores, config.search.export_samples, config.search.random_samples,
                                                 config.search.export_batches, config.seed + 3);
  if (!output_dir.empty()) {
    absl::StatusOr<std::string> metrics = ReadFile(JoinPath(output_dir, "metrics.jsonl"));
    if (metrics.ok()) {
      std::istringstream lines(*metrics);
      std::string line;
      while (std::getline(lines, line)) {
        Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (j.is_object() && j.value("split", "") == "valid" && j.contains("reward")) {
          result.epoch_rewards.push_back(j["reward"].get<double>());
        }
      }
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (dist->is_main() && !output_dir.empty()) {
    NAS_RETURN_IF_ERROR(WriteArchitecture(JoinPath(output_dir, "best_architecture.json"), result.exported.best.architecture));
    NAS_RETURN_IF_ERROR(
        WriteArchitecture(JoinPath(output_dir, "greedy_architecture.json"), result.exported.greedy.architecture));
    NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(output_dir, "export.json"), SearchResultToJson(result)));
    NAS_RETURN_IF_ERROR(SaveWeights(*built.model, JoinPath(output_dir, "supernet.pt")));
  }
  LOG(INFO) << "export: best of " << result.exported.sample_accuracies.size() << " samples "
            << result.exported.best.accuracy << ", greedy " << result.exported.greedy.accuracy
            << ", random architectures (mean) " << Mean(result.exported.random_accuracies);
  return result;
}

}  // namespace nas::enas
