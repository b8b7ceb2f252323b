// The DARTS search on the shared supernet job (search_job.h).
#include "algorithms/darts/search_job.h"

#include <chrono>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "algorithms/darts/darts_trainer.h"
#include "nas/analysis/latency_table.h"
#include "nas/base/file.h"
#include "nas/base/json.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/jobs/data.h"
#include "nas/jobs/job_latency_table.h"
#include "nas/jobs/supernet_job.h"

namespace nas::darts {

namespace {

using Clock = std::chrono::steady_clock;

// The search job's DARTS search: the genotype and its files besides.
class DartsSearch : public DartsSupernetSearch {
 public:
  DartsSearch(SupernetInputs& in, DartsTrainerOptions options, Clock::time_point start)
      : DartsSupernetSearch(in, options), unrolled_(options.unrolled), start_(start) {}

  // After training, on every rank.
  const Genotype& finish() {
    genotype_ = darts_trainer().genotype();
    return genotype_;
  }

  absl::Status write_results(const std::string& dir) override {
    const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    NAS_RETURN_IF_ERROR(
        WriteFileAtomically(JoinPath(dir, "genotype.txt"), genotype_.to_string() + "\n"));
    bool svg = false;
    NAS_RETURN_IF_ERROR(WriteCellDiagram(genotype_, JoinPath(dir, "cells"), &svg));
    NAS_RETURN_IF_ERROR(
        WriteJsonFile(JoinPath(dir, "alphas.json"), AlphasJson(darts_trainer().mutator())));
    Json validation = Json::object();
    for (const auto& [key, value] : darts_trainer().last_validation()) validation[key] = value;
    NAS_RETURN_IF_ERROR(
        WriteJsonFile(JoinPath(dir, "result.json"),
                      Json{{"validation", validation},
                           {"genotype", genotype_.to_string()},
                           {"param_free_share", genotype_.parameter_free_share()},
                           {"param_free_share_normal", genotype_.normal.parameter_free_share()},
                           {"unrolled", unrolled_},
                           {"seconds", seconds}}));
    LOG(INFO) << "genotype: " << genotype_.to_string();
    LOG(INFO) << "wrote " << JoinPath(dir, "architecture.json") << ", genotype.txt, cells.dot"
              << (svg ? ", cells.svg" : " (no Graphviz `dot`: no cells.svg)")
              << ", alphas.json, result.json";
    return absl::OkStatus();
  }

 private:
  bool unrolled_;
  Clock::time_point start_;
  Genotype genotype_;
};

}  // namespace

Json AlphasJson(DartsMutator& mutator) {
  Json out = Json::object();
  for (const auto& [key, weights] : mutator.softmax_weights()) {
    const ChoiceSpec* spec = mutator.search_space().find(key);
    Json edge = Json::object();
    for (int64_t i = 0; i < spec->size(); ++i)
      edge[spec->candidates[i]] = weights[i].item<double>();
    out[key] = edge;
  }
  return out;
}

DartsSupernetSearch::DartsSupernetSearch(SupernetInputs& in, DartsTrainerOptions options)
    : train_(TrainLoader(in.data.train, in.data_options, in.seed, in.rank(), in.world_size())),
      arch_(TrainLoader(in.data.valid, in.data_options, in.seed + 1, in.rank(), in.world_size())),
      valid_(EvalLoader(in.data.valid, in.data_options, in.rank(), in.world_size())),
      trainer_(in.trainer, std::move(options), in.space, train_.get(), arch_.get(), valid_.get(),
               in.distributed) {}

std::optional<Architecture> DartsSupernetSearch::exported() {
  return trainer_.mutator().export_architecture();
}

absl::StatusOr<SearchResult> RunSearchJob(const DartsConfig& config, const std::string& output_dir,
                                          bool resume) {
  const Clock::time_point start = Clock::now();
  SupernetJobOptions job;
  job.space = kDartsSpaceName;
  job.space_options = DartsNetworkOptionsToJson(config.search.network);
  job.data = config.data;
  job.trainer = config.search.trainer;
  job.seed = config.seed;
  job.architecture_file = "architecture.json";
  DartsTrainerOptions darts = config.search.darts;
  darts.seed = config.seed;
  SearchResult result;
  NAS_ASSIGN_OR_RETURN(
      SupernetJobResult job_result,
      RunSupernetJob(
          job, DartsConfigToJson(config), output_dir, resume,
          [&](SupernetInputs& in) -> absl::StatusOr<std::unique_ptr<SupernetSearch>> {
            auto model = std::dynamic_pointer_cast<DartsNetworkImpl>(in.space.model);
            if (model == nullptr) {
              return absl::InternalError("space 'darts_cell' did not build a DartsNetwork");
            }
            LOG(INFO) << "DARTS search (" << (darts.unrolled ? "second" : "first")
                      << " order): " << config.search.network.layers << " cells x "
                      << config.search.network.channels << " channels, " << in.data.train.size()
                      << " + " << in.data.valid.size() << " images (weights + architecture), "
                      << in.trainer.epochs << " epochs, " << in.world_size() << " process(es)";
            auto search = std::make_unique<DartsSearch>(in, darts, start);
            if (darts.latency.active()) {
              // The network the found cell is retrained and shipped as.
              NAS_ASSIGN_OR_RETURN(
                  std::shared_ptr<const LatencyTable> table,
                  JobLatencyTable(kDartsSpaceName,
                                  DartsNetworkOptionsToJson(config.retrain.network), darts.latency,
                                  config.seed, output_dir, in.world_size()));
              search->darts_trainer().set_latency_table(std::move(table));
            }
            return search;
          },
          [&](SupernetSearch& search) {
            result.genotype = static_cast<DartsSearch&>(search).finish();
            return absl::OkStatus();
          }));
  result.validation = std::move(job_result.validation);
  if (job_result.architecture.has_value()) {
    result.architecture = *std::move(job_result.architecture);
  }
  result.seconds = job_result.seconds;
  return result;
}

}  // namespace nas::darts
