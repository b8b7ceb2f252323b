#include "algorithms/spos/evolution_job.h"

#include <algorithm>
#include <chrono>
#include <map>

#include <torch/types.h>

#include "algorithms/spos/path_cost.h"
#include "algorithms/spos/rank_pool.h"
#include "nas/analysis/latency_table.h"
#include "nas/analysis/svg_plot.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/base/torch/memory_format.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/parameters.h"
#include "nas/jobs/data.h"
#include "nas/jobs/job_latency_table.h"
#include "nas/jobs/supernet_job.h"
#include "nas/multi_trial/evaluator.h"
#include "nas/train/distributed.h"
#include "nas/train/supernet_evaluator.h"
#include "nas/tuners/spos_evolution_tuner.h"

namespace nas::spos {

GenerationStats GenerationStatsFromHistory(const std::vector<Json>& history) {
  std::map<int, std::vector<double>> by_generation;
  for (const Json& r : history) {
    if (r.value("event", "") != "finished" || r.value("status", "") != "succeeded") continue;
    int g = r.contains("metrics") && r["metrics"].contains("generation")
                ? r["metrics"]["generation"].get<int>()
                : 0;
    by_generation[g].push_back(r["value"].get<double>());
  }
  GenerationStats stats;
  double best_so_far = -1;
  for (const auto& [g, values] : by_generation) {
    double best = *std::max_element(values.begin(), values.end());
    double mean = 0;
    for (double v : values) mean += v / values.size();
    best_so_far = std::max(best_so_far, best);
    stats.generation.push_back(g);
    stats.best.push_back(best);
    stats.mean.push_back(mean);
    stats.best_so_far.push_back(best_so_far);
  }
  return stats;
}

absl::Status WriteEvolutionPlots(const std::vector<Json>& history, const std::string& output_dir) {
  GenerationStats s = GenerationStatsFromHistory(history);
  PlotOptions curve;
  curve.title = "SPOS evolution: supernet accuracy per generation";
  curve.x_label = "generation";
  curve.y_label = "top-1 accuracy (held-out, after BN recalibration)";
  NAS_RETURN_IF_ERROR(WriteSvgPlot(
      JoinPath(output_dir, "search.svg"), curve,
      {PlotSeries("best so far", s.generation, s.best_so_far),
       PlotSeries("generation best", s.generation, s.best, PlotSeries::Style::kLinePoints),
       PlotSeries("generation mean", s.generation, s.mean, PlotSeries::Style::kLinePoints)}));
  std::vector<double> flops, accuracy;
  for (const Json& r : history) {
    if (r.value("event", "") != "finished" || r.value("status", "") != "succeeded") continue;
    if (!r.contains("metrics") || !r["metrics"].contains("flops")) continue;
    flops.push_back(r["metrics"]["flops"].get<double>() / 1e6);
    accuracy.push_back(r["value"].get<double>());
  }
  PlotOptions scatter;
  scatter.title = "SPOS evolution: every candidate";
  scatter.x_label = "MFLOPs (multiply-adds)";
  scatter.y_label = "top-1 accuracy (supernet)";
  return WriteSvgPlot(JoinPath(output_dir, "flops.svg"), scatter,
                      {PlotSeries("candidates", flops, accuracy, PlotSeries::Style::kPoints)});
}

namespace {

// The trained supernet and the data its candidates are scored on.
struct LoadedSupernet {
  BuiltSpace built;
  std::shared_ptr<ShuffleNetSupernetImpl> supernet;
  ImageData data;
};

absl::StatusOr<LoadedSupernet> LoadSupernet(const SposConfig& config,
                                            const std::string& supernet_path) {
  NAS_RETURN_IF_ERROR(CheckSposDataset(config));
  LoadedSupernet loaded;
  NAS_ASSIGN_OR_RETURN(
      loaded.built,
      BuildSpace(kShuffleNetSpaceName, SposSpaceOptions(config, /*affine=*/false), config.seed));
  loaded.supernet = std::dynamic_pointer_cast<ShuffleNetSupernetImpl>(loaded.built.model);
  NAS_RETURN_IF_ERROR(Annotate(LoadWeights(*loaded.supernet, supernet_path), "supernet"));
  // Scored in the memory format it trained in (the same values; channels-last
  // scores faster on CPUs, as it trains).
  NAS_ASSIGN_OR_RETURN(at::MemoryFormat format,
                       Annotate(ParseMemoryFormat(config.supernet.trainer.memory_format),
                                "supernet.trainer"));
  ToMemoryFormat(*loaded.supernet, format);
  NAS_ASSIGN_OR_RETURN(loaded.data,
                       LoadImageData(config.data, loaded.built, kShuffleNetSpaceName, config.seed,
                                     /*with_test=*/false));
  return loaded;
}

}  // namespace

absl::StatusOr<std::vector<double>> ScoreOnSupernet(const SposConfig& config,
                                                    const std::string& supernet_path,
                                                    const std::vector<Architecture>& archs) {
  NAS_ASSIGN_OR_RETURN(LoadedSupernet loaded, LoadSupernet(config, supernet_path));
  SposMutator mutator(loaded.supernet, SposSamplingOptions(), config.seed);
  auto recalibration = TrainLoader(loaded.data.train, config.data, config.seed + 1);
  auto held_out = EvalLoader(loaded.data.valid, config.data);
  SupernetEvaluator candidates(loaded.built, &mutator, recalibration.get(), held_out.get(),
                               config.evolution.evaluation);
  std::vector<double> scores;
  for (const Architecture& arch : archs) {
    NAS_ASSIGN_OR_RETURN(CandidateScore score, candidates.evaluate(arch));
    scores.push_back(score.accuracy);
  }
  return scores;
}

absl::StatusOr<EvolutionResult> RunEvolutionJob(const SposConfig& config,
                                                const std::string& supernet_path,
                                                const std::string& output_dir, bool resume) {
  auto start = std::chrono::steady_clock::now();
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Distributed> dist, JoinProcessGroup());
  NAS_ASSIGN_OR_RETURN(LoadedSupernet loaded, LoadSupernet(config, supernet_path));
  const std::shared_ptr<ShuffleNetSupernetImpl>& supernet = loaded.supernet;
  const ImageData& data = loaded.data;
  ShuffleNetSpaceOptions space = config.space;
  space.affine = false;
  const int blocks = static_cast<int>(supernet->blocks.size());
  NAS_ASSIGN_OR_RETURN(FlopsTable table_value, FlopsTable::Build(space));
  auto table = std::make_shared<const FlopsTable>(std::move(table_value));
  SearchSpace search_space = ShuffleNetSearchSpace(space);

  auto tuner = std::make_unique<SposEvolutionTuner>(config.evolution.tuner, config.seed);
  const double limit = config.evolution.flops_limit;
  const double latency_limit = config.evolution.latency.budget_ms;
  SposMutator mutator(supernet, SposSamplingOptions(), config.seed);
  auto recalibration = TrainLoader(data.train, config.data, config.seed + 1);
  auto held_out = EvalLoader(data.valid, config.data);
  SupernetEvaluator candidates(loaded.built, &mutator, recalibration.get(), held_out.get(),
                               config.evolution.evaluation);
  // Every rank scores candidates; rank 0 also runs the search.
  RankPool pool(dist.get(), [&](const Json& parameters) -> absl::StatusOr<CandidateScore> {
    NAS_ASSIGN_OR_RETURN(Architecture arch, ArchitectureFromParameters(parameters, search_space));
    return candidates.evaluate(arch);
  });
  if (!dist->is_main()) {
    NAS_RETURN_IF_ERROR(pool.serve());
    EvolutionResult follower;
    follower.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return follower;
  }
  // The latency table is measured once and kept in the output folder, so a
  // resumed search applies the same constraint (measured again only on
  // another machine, with a log line saying so).
  std::shared_ptr<const LatencyTable> latency;
  if (latency_limit > 0) {
    // The retrained network (affine BN), as deployed.
    NAS_ASSIGN_OR_RETURN(
        latency,
        JobLatencyTable(kShuffleNetSpaceName, SposSpaceOptions(config, /*affine=*/true),
                        config.evolution.latency, config.seed, output_dir, /*world_size=*/1));
  }
  auto latency_of = [latency, &search_space](const Json& parameters) -> absl::StatusOr<double> {
    NAS_ASSIGN_OR_RETURN(Architecture arch, ArchitectureFromParameters(parameters, search_space));
    NAS_ASSIGN_OR_RETURN(Decisions decisions, arch.resolve(search_space));
    return latency->predict(decisions);
  };
  if (limit > 0 || latency_limit > 0) {
    tuner->set_constraint([=](const Json& parameters) {
      absl::StatusOr<std::vector<int>> choices = ChoicesFromParameters(parameters, blocks);
      if (!choices.ok() || (limit > 0 && table->macs(*choices) > limit)) return false;
      if (latency_limit <= 0) return true;
      absl::StatusOr<double> ms = latency_of(parameters);
      return ms.ok() && *ms <= latency_limit;
    });
  }
  SposEvolutionTuner* tuner_ptr = tuner.get();
  InProcessEvaluator evaluator([&](const TrialRequest& trial) -> absl::StatusOr<TrialReport> {
    NAS_ASSIGN_OR_RETURN(std::vector<int> choices, ChoicesFromParameters(trial.parameters, blocks));
    NAS_ASSIGN_OR_RETURN(CandidateScore score, pool.evaluate(trial.parameters));
    TrialReport report;
    report.final_value = score.accuracy;
    report.metrics = {{"flops", table->macs(choices)},
                      {"params", table->parameters(choices)},
                      {"loss", score.loss},
                      {"generation", tuner_ptr->generation_of(trial.id)}};
    if (latency != nullptr) {
      NAS_ASSIGN_OR_RETURN(double ms, latency_of(trial.parameters));
      report.metrics["latency_ms"] = ms;
    }
    return report;
  });

  TunerDriverOptions driver;
  driver.output_dir = output_dir;
  driver.max_trials = static_cast<int64_t>(config.evolution.tuner.population_size) *
                      config.evolution.tuner.generations;
  driver.parallel = dist->world_size();  // one candidate per rank at a time
  driver.resume = resume;
  driver.seed = config.seed;
  driver.max_consecutive_failures = 3;
  Json identity = {{"tuner", "spos_evolution"},
                   {"tuner_options", SposEvolutionOptionsToJson(config.evolution.tuner)},
                   {"evaluation", SupernetEvaluationOptionsToJson(config.evolution.evaluation)},
                   {"flops_limit", limit},
                   {"latency_limit_ms", latency_limit},
                   {"latency_batch", config.evolution.latency.batch},
                   {"space", ShuffleNetSpaceOptionsToJson(space)},
                   {"seed", config.seed}};
  LOG(INFO) << "evolution: " << config.evolution.tuner.generations << " generations of "
            << config.evolution.tuner.population_size << " candidates, " << data.valid.size()
            << " held-out images, FLOPs " << table->min_macs() / 1e6 << "M-"
            << table->max_macs() / 1e6 << "M"
            << (limit > 0 ? absl::StrCat(", limit ", limit / 1e6, "M") : std::string(", no limit"))
            << (latency_limit > 0 ? absl::StrCat("; latency limit ", latency_limit, " ms at batch ",
                                                 config.evolution.latency.batch)
                                  : std::string());
  absl::StatusOr<SearchSummary> searched =
      RunSearch(driver, search_space, identity, tuner.get(), &evaluator);
  pool.stop();
  NAS_ASSIGN_OR_RETURN(SearchSummary summary, searched);
  NAS_ASSIGN_OR_RETURN(std::vector<Json> history, ReadSearchHistory(output_dir));
  NAS_RETURN_IF_ERROR(WriteEvolutionPlots(history, output_dir));
  if (summary.best_trial < 0)
    return absl::InternalError("evolution: no candidate could be evaluated");
  EvolutionResult result;
  result.summary = summary;
  NAS_ASSIGN_OR_RETURN(result.best,
                       ArchitectureFromParameters(summary.best_parameters, search_space));
  NAS_ASSIGN_OR_RETURN(std::vector<int> best_choices,
                       ChoicesFromParameters(summary.best_parameters, blocks));
  result.best_flops = static_cast<double>(table->macs(best_choices));
  result.best_params = static_cast<double>(table->parameters(best_choices));
  if (latency != nullptr) {
    NAS_ASSIGN_OR_RETURN(result.best_latency_ms, latency_of(summary.best_parameters));
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  LOG(INFO) << "evolution: best supernet accuracy " << summary.best_value << " (trial "
            << summary.best_trial << ", " << result.best_flops / 1e6 << "M FLOPs"
            << (latency != nullptr ? absl::StrCat(", ", result.best_latency_ms,
                                                  " ms predicted, limit ", latency_limit, " ms")
                                   : std::string())
            << "), written to " << JoinPath(output_dir, "best_architecture.json");
  return result;
}

}  // namespace nas::spos
