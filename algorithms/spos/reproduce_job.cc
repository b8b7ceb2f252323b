#include "algorithms/spos/reproduce_job.h"

#include <chrono>
#include <cmath>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "algorithms/spos/evolution_job.h"
#include "algorithms/spos/path_cost.h"
#include "algorithms/spos/reproduce_report.h"
#include "algorithms/spos/retrain_job.h"
#include "algorithms/spos/supernet_job.h"
#include "nas/analysis/ranking.h"
#include "nas/analysis/svg_plot.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/core/uniform_sampling.h"

namespace nas::spos {
namespace {

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Phase times survive a resume in out/phases.json.
class PhaseTimes {
 public:
  explicit PhaseTimes(std::string path) : path_(std::move(path)) {
    absl::StatusOr<Json> j = ReadJsonFile(path_);
    if (j.ok() && j->is_object()) times_ = *j;
  }
  double get(const std::string& phase) const { return times_.value(phase, 0.0); }
  absl::Status add(const std::string& phase, double seconds) {
    times_[phase] = get(phase) + seconds;
    return WriteJsonFile(path_, times_);
  }
  const Json& json() const { return times_; }

 private:
  std::string path_;
  Json times_ = Json::object();
};

// K distinct random architectures within the FLOPs limit, none equal to
// `best`, from a generator of their own.
absl::StatusOr<std::vector<Architecture>> RandomArchitectures(const SposConfig& config,
                                                              const Architecture& best,
                                                              const FlopsTable& table) {
  ShuffleNetSpaceOptions space = config.space;
  SearchSpace search_space = ShuffleNetSearchSpace(space);
  int blocks = static_cast<int>(ShuffleNetBlocks(space).size());
  std::mt19937_64 rng(config.seed + 0x7a4d0ULL);
  std::set<std::string> seen = {best.to_json().dump()};
  std::vector<Architecture> out;
  for (int attempt = 0;
       attempt < 100000 && static_cast<int>(out.size()) < config.reproduce.random_architectures;
       ++attempt) {
    Decisions d = SampleUniformDecisions(search_space, rng);
    if (config.evolution.flops_limit > 0 &&
        table.macs(ChoicesFromDecisions(d, blocks)) > config.evolution.flops_limit) {
      continue;
    }
    Architecture arch = Architecture::from_decisions(d, search_space);
    if (seen.insert(arch.to_json().dump()).second) out.push_back(std::move(arch));
  }
  if (static_cast<int>(out.size()) < config.reproduce.random_architectures) {
    return absl::FailedPreconditionError(
        "reproduce: not enough distinct random architectures under the FLOPs limit");
  }
  return out;
}

std::pair<double, double> MeanStd(const std::vector<double>& v) {
  double mean = 0, var = 0;
  for (double x : v) mean += x / v.size();
  for (double x : v) var += (x - mean) * (x - mean) / std::max<size_t>(1, v.size() - 1);
  return {mean, std::sqrt(var)};
}

std::string ChoiceString(const Architecture& arch, const ShuffleNetSpaceOptions& space) {
  absl::StatusOr<std::vector<int>> choices = ChoicesFromArchitecture(arch, space);
  if (!choices.ok()) return "?";
  std::string s;
  for (int c : *choices) absl::StrAppend(&s, c);
  return s;
}

}  // namespace

absl::StatusOr<Json> RunReproduceJob(const SposConfig& config, const std::string& out,
                                     bool resume) {
  // JobMain's RunFolder claimed `out`: a new run in an empty folder, or this
  // run resumed with the same configuration.
  NAS_RETURN_IF_ERROR(MakeDirs(out));
  NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(out, "config.json"), SposConfigToJson(config)));
  PhaseTimes times(JoinPath(out, "phases.json"));

  // 1. Supernet.
  const std::string supernet_dir = JoinPath(out, "supernet");
  const std::string supernet_path = JoinPath(supernet_dir, "supernet.pt");
  if (!FileExists(supernet_path)) {
    auto start = std::chrono::steady_clock::now();
    NAS_RETURN_IF_ERROR(
        Annotate(RunSupernetJob(config, supernet_dir, resume).status(), "supernet phase"));
    NAS_RETURN_IF_ERROR(times.add("supernet", Seconds(start)));
  } else {
    LOG(INFO) << "supernet phase: done before (" << supernet_path << ")";
  }

  // 2. Evolution (a finished history replays in seconds).
  auto start = std::chrono::steady_clock::now();
  const std::string evolution_dir = JoinPath(out, "evolution");
  bool evolution_started = FileExists(JoinPath(evolution_dir, "history.jsonl"));
  NAS_ASSIGN_OR_RETURN(
      EvolutionResult evolution,
      Annotate(RunEvolutionJob(config, supernet_path, evolution_dir, resume || evolution_started),
               "evolution phase"));
  NAS_RETURN_IF_ERROR(times.add("evolution", Seconds(start)));

  // 3. K random architectures, scored on the supernet.
  start = std::chrono::steady_clock::now();
  ShuffleNetSpaceOptions space = config.space;
  NAS_ASSIGN_OR_RETURN(FlopsTable table, FlopsTable::Build(space));
  NAS_ASSIGN_OR_RETURN(std::vector<Architecture> randoms,
                       RandomArchitectures(config, evolution.best, table));
  std::vector<Architecture> all = {evolution.best};
  all.insert(all.end(), randoms.begin(), randoms.end());
  std::vector<std::string> names = {"best"};
  for (size_t i = 0; i < randoms.size(); ++i) names.push_back(absl::StrCat("random_", i));
  const std::string scores_path = JoinPath(out, "supernet_scores.json");
  std::vector<double> supernet_scores;
  absl::StatusOr<Json> stored_scores = ReadJsonFile(scores_path);
  if (stored_scores.ok() && stored_scores->is_array() && stored_scores->size() == all.size()) {
    supernet_scores = stored_scores->get<std::vector<double>>();
  } else {
    NAS_ASSIGN_OR_RETURN(supernet_scores,
                         Annotate(ScoreOnSupernet(config, supernet_path, all), "random phase"));
    NAS_RETURN_IF_ERROR(WriteJsonFile(scores_path, supernet_scores));
    NAS_RETURN_IF_ERROR(times.add("random", Seconds(start)));
  }

  // 4. Retraining, each architecture with the same budget.
  std::vector<RetrainResult> retrained;
  for (size_t i = 0; i < all.size(); ++i) {
    const std::string dir = JoinPath(JoinPath(out, "retrain"), names[i]);
    const std::string result_path = JoinPath(dir, "result.json");
    if (FileExists(result_path)) {
      NAS_ASSIGN_OR_RETURN(Json r, ReadJsonFile(result_path));
      RetrainResult result;
      result.test_accuracy = r.at("test_accuracy");
      result.test_loss = r.at("test_loss");
      result.flops = r.at("flops");
      result.params = r.at("params");
      result.seconds = r.at("seconds");
      retrained.push_back(result);
      LOG(INFO) << "retrain " << names[i] << ": done before";
      continue;
    }
    start = std::chrono::steady_clock::now();
    bool started = FileExists(JoinPath(dir, "config.json"));
    NAS_ASSIGN_OR_RETURN(
        RetrainResult result,
        Annotate(RunRetrainJob(config, all[i], dir, resume || started), "retrain " + names[i]));
    retrained.push_back(result);
    NAS_RETURN_IF_ERROR(times.add(i == 0 ? "retrain_best" : "retrain_random", Seconds(start)));
  }

  // 5. Report.
  Json report = {
      {"preset", config.preset}, {"dataset", config.data.dataset}, {"seed", config.seed}};
  Json archs = Json::array();
  std::vector<double> test_accuracy, random_accuracy;
  for (size_t i = 0; i < all.size(); ++i) {
    archs.push_back({{"name", names[i]},
                     {"choices", ChoiceString(all[i], space)},
                     {"architecture", all[i].to_json()},
                     {"supernet_accuracy", supernet_scores[i]},
                     {"test_accuracy", retrained[i].test_accuracy},
                     {"flops", retrained[i].flops},
                     {"params", retrained[i].params}});
    test_accuracy.push_back(retrained[i].test_accuracy);
    if (i > 0) random_accuracy.push_back(retrained[i].test_accuracy);
  }
  report["architectures"] = archs;
  auto [mean, std] = MeanStd(random_accuracy);
  int best_rank = 1;
  for (double a : random_accuracy) best_rank += a > test_accuracy[0] ? 1 : 0;
  report["comparison"] = {
      {"best_test_accuracy", test_accuracy[0]},
      {"random_mean", mean},
      {"random_std", std},
      {"random_count", static_cast<int>(random_accuracy.size())},
      {"best_rank", best_rank},
      {"margin_in_std", std > 0 ? Json((test_accuracy[0] - mean) / std) : Json()}};
  absl::StatusOr<double> tau = KendallTau(supernet_scores, test_accuracy);
  report["kendall_tau"] = tau.ok() ? Json(*tau) : Json();
  if (!tau.ok()) report["kendall_tau_note"] = std::string(tau.status().message());
  NAS_ASSIGN_OR_RETURN(std::vector<Json> history, ReadSearchHistory(evolution_dir));
  GenerationStats stats = GenerationStatsFromHistory(history);
  report["search"] = {{"candidates", evolution.summary.succeeded + evolution.summary.failed},
                      {"best_value", evolution.summary.best_value},
                      {"generations", stats.generation},
                      {"generation_best", stats.best},
                      {"generation_mean", stats.mean}};
  report["seconds"] = times.json();
  NAS_RETURN_IF_ERROR(WriteEvolutionPlots(history, out));
  PlotOptions ranking;
  ranking.title = absl::StrFormat("supernet vs stand-alone accuracy (Kendall tau %s)",
                                  tau.ok() ? absl::StrFormat("%.2f", *tau) : std::string("n/a"));
  ranking.x_label = "supernet accuracy (held-out, BN recalibrated)";
  ranking.y_label = "test accuracy after retraining";
  std::vector<double> sx(supernet_scores.begin() + 1, supernet_scores.end());
  NAS_RETURN_IF_ERROR(
      WriteSvgPlot(JoinPath(out, "ranking.svg"), ranking,
                   {PlotSeries("random", sx, random_accuracy, PlotSeries::Style::kPoints),
                    PlotSeries("best found", {supernet_scores[0]}, {test_accuracy[0]},
                               PlotSeries::Style::kPoints)}));
  NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(out, "report.json"), report));
  NAS_RETURN_IF_ERROR(WriteReproduceReport(report, JoinPath(out, "report.md")));
  LOG(INFO) << "report: " << JoinPath(out, "report.md") << " — best " << test_accuracy[0]
            << " vs random " << mean << " ± " << std
            << (tau.ok() ? absl::StrCat(", Kendall tau ", *tau) : std::string());
  return report;
}

}  // namespace nas::spos
