// The DARTS search on the shared supernet job (search_job.h).
#include "algorithms/darts/search_job.h"

#include <chrono>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "algorithms/darts/darts_trainer.h"
#include "algorithms/darts/perturbation.h"
#include "nas/analysis/latency_table.h"
#include "nas/base/file.h"
#include "nas/base/json.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/core/architecture.h"
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

  // After training, on every rank (perturbation: one process): the cell by
  // DARTS-PT's projection instead of the alphas' genotype rule.
  absl::Status select_by_perturbation(PerturbationOptions options) {
    alpha_genotype_ = darts_trainer().genotype();
    alpha_architecture_ = darts_trainer().mutator().export_architecture();
    if (options.tune_steps < 0) {
      options.tune_steps =
          DefaultTuneSteps(darts_trainer().global_step(), darts_trainer().mutator().search_space());
    }
    NAS_ASSIGN_OR_RETURN(decisions_,
                         ProjectByPerturbation(darts_trainer().space(), darts_trainer().mutator(),
                                               *train_loader(), *valid_loader(), options));
    perturbation_ = PerturbationOptionsToJson(options);
    return absl::OkStatus();
  }

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
    Json result = {{"validation", validation},
                   {"genotype", genotype_.to_string()},
                   {"param_free_share", genotype_.parameter_free_share()},
                   {"param_free_share_normal", genotype_.normal.parameter_free_share()},
                   {"unrolled", unrolled_},
                   {"selection", perturbation_.is_null() ? "alpha" : "perturbation"},
                   {"seconds", seconds}};
    if (darts_trainer().stopped_at_step() > 0)
      result["early_stop_step"] = darts_trainer().stopped_at_step();
    if (!perturbation_.is_null()) {
      // What the alphas alone would have chosen, beside the projection.
      result["alpha_genotype"] = alpha_genotype_.to_string();
      result["alpha_param_free_share_normal"] = alpha_genotype_.normal.parameter_free_share();
      NAS_RETURN_IF_ERROR(
          WriteArchitecture(JoinPath(dir, "alpha_architecture.json"), alpha_architecture_));
      Json record = Json::array();
      for (const EdgeDecision& d : decisions_) record.push_back(d.to_json());
      NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(dir, "perturbation.json"),
                                        Json{{"options", perturbation_}, {"decisions", record}}));
    }
    NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(dir, "result.json"), result));
    LOG(INFO) << "genotype: " << genotype_.to_string();
    LOG(INFO) << "wrote " << JoinPath(dir, "architecture.json") << ", genotype.txt, cells.dot"
              << (svg ? ", cells.svg" : " (no Graphviz `dot`: no cells.svg)")
              << ", alphas.json, result.json"
              << (perturbation_.is_null() ? "" : ", perturbation.json, alpha_architecture.json");
    return absl::OkStatus();
  }

 private:
  bool unrolled_;
  Clock::time_point start_;
  Genotype genotype_;
  Genotype alpha_genotype_;
  Architecture alpha_architecture_;
  std::vector<EdgeDecision> decisions_;
  Json perturbation_;  // null: selected by the alphas
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
            if (config.search.selection == "perturbation" && in.world_size() > 1) {
              return absl::InvalidArgumentError(
                  "search.selection 'perturbation' runs in one process (its masked scores "
                  "would differ between ranks' data shards)");
            }
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
            auto& darts_search = static_cast<DartsSearch&>(search);
            if (config.search.selection == "perturbation") {
              NAS_RETURN_IF_ERROR(darts_search.select_by_perturbation(config.search.perturbation));
            }
            result.genotype = darts_search.finish();
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
