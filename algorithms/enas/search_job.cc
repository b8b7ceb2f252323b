#include "algorithms/enas/search_job.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <numeric>
#include <sstream>

#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/core/architecture.h"
#include "nas/jobs/job_latency_table.h"
#include "nas/jobs/supernet_job.h"

namespace nas::enas {
namespace {

double Mean(const std::vector<double>& v) {
  return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double Max(const std::vector<double>& v) {
  return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
}

// The controller's mean reward of every epoch in <output_dir>/metrics.jsonl
// (a resumed search's earlier epochs included).
std::vector<double> EpochRewards(const std::string& output_dir) {
  std::vector<double> rewards;
  if (output_dir.empty()) return rewards;
  absl::StatusOr<std::string> metrics = ReadFile(JoinPath(output_dir, "metrics.jsonl"));
  if (!metrics.ok()) return rewards;
  std::istringstream lines(*metrics);
  std::string line;
  while (std::getline(lines, line)) {
    Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (JsonStringOr(j, "split", "") == "valid" && j.contains("reward") &&
        j["reward"].is_number()) {
      rewards.push_back(j["reward"].get<double>());
    }
  }
  return rewards;
}

class EnasSearch : public SupernetSearch {
 public:
  EnasSearch(SupernetInputs& in, const EnasConfig& config, SearchResult* result)
      : config_(config),
        result_(result),
        train_(TrainLoader(in.data.train, in.data_options, config.seed + 1, in.rank(),
                           in.world_size())),
        reward_(ShuffledLoader(in.data.valid, in.data_options, config.seed + 2, in.rank(),
                               in.world_size())),
        scores_(EvalLoader(in.data.valid, in.data_options, in.rank(), in.world_size())),
        trainer_(in.trainer, EnasOptions(config), in.space, train_.get(), reward_.get(),
                 in.distributed) {
    LOG(INFO) << "ENAS search on " << in.space_name << ": "
              << trainer_.mutator().search_space().choices().size() << " decisions, "
              << in.data.train.size() << " shared-weight images, " << in.data.valid.size()
              << " validation images, " << in.trainer.epochs << " epochs of "
              << train_->batches_per_epoch() << " steps + " << config.search.enas.controller_steps
              << " x " << config.search.enas.aggregate << " controller samples";
  }

  Trainer& trainer() override { return trainer_; }
  EnasTrainer& enas_trainer() { return trainer_; }
  std::optional<Architecture> exported() override { return result_->exported.best.architecture; }

  // On every rank: the scores are averaged over ranks.
  void run_export(const std::string& output_dir) {
    const SearchJobOptions& s = config_.search;
    result_->exported = trainer_.export_architectures(*scores_, s.export_samples, s.random_samples,
                                                      s.export_batches, config_.seed + 3);
    result_->epoch_rewards = EpochRewards(output_dir);
  }

  absl::Status write_results(const std::string& dir) override {
    NAS_RETURN_IF_ERROR(WriteArchitecture(JoinPath(dir, "greedy_architecture.json"),
                                          result_->exported.greedy.architecture));
    NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(dir, "export.json"), SearchResultToJson(*result_)));
    return WriteJsonFile(JoinPath(dir, "search_space.json"),
                         trainer_.mutator().search_space().to_json());
  }

 private:
  static EnasTrainerOptions EnasOptions(const EnasConfig& config) {
    EnasTrainerOptions options = config.search.enas;
    options.mutator.seed = config.seed;
    return options;
  }

  const EnasConfig& config_;
  SearchResult* result_;
  std::unique_ptr<datasets::DataLoader> train_, reward_, scores_;
  EnasTrainer trainer_;
};

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
          {"best_latency_ms", e.best.latency_ms},
          {"greedy_latency_ms", e.greedy.latency_ms},
          {"greedy_architecture", e.greedy.architecture.to_json()},
          {"seconds", r.seconds}};
}

absl::StatusOr<SearchResult> RunSearchJob(const EnasConfig& config, const std::string& output_dir,
                                          bool resume) {
  SupernetJobOptions job;
  job.space = config.space;
  job.space_options = config.space_options;
  job.data = config.data;
  job.trainer = config.search.trainer;
  job.seed = config.seed;
  return RunSearchJob(config, job, output_dir, resume);
}

absl::StatusOr<SearchResult> RunSearchJob(const EnasConfig& config,
                                          const SupernetJobOptions& job_options,
                                          const std::string& output_dir, bool resume) {
  const auto start = std::chrono::steady_clock::now();
  SupernetJobOptions job = job_options;
  job.architecture_file = "best_architecture.json";
  SearchResult result;
  NAS_ASSIGN_OR_RETURN(
      result.job,
      RunSupernetJob(
          job, EnasConfigToJson(config), output_dir, resume,
          [&](SupernetInputs& in) -> absl::StatusOr<std::unique_ptr<SupernetSearch>> {
            auto search = std::make_unique<EnasSearch>(in, config, &result);
            if (config.search.enas.latency.active()) {
              NAS_ASSIGN_OR_RETURN(
                  std::shared_ptr<const LatencyTable> table,
                  JobLatencyTable(config.space, config.space_options, config.search.enas.latency,
                                  config.seed, output_dir, in.world_size()));
              search->enas_trainer().set_latency_table(std::move(table));
            }
            return search;
          },
          [&](SupernetSearch& search) {
            static_cast<EnasSearch&>(search).run_export(output_dir);
            result.seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            return absl::OkStatus();
          }));
  LOG(INFO) << "export: best of " << result.exported.sample_accuracies.size() << " samples "
            << result.exported.best.accuracy << ", greedy " << result.exported.greedy.accuracy
            << ", random architectures (mean) " << Mean(result.exported.random_accuracies);
  return result;
}

}  // namespace nas::enas
