#include "tools/benchmark/compare_job.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "nas/analysis/ranking.h"
#include "nas/analysis/svg_plot.h"
#include "nas/base/digest.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/parameters.h"
#include "nas/jobs/data.h"
#include "nas/jobs/oneshot_method.h"
#include "nas/jobs/supernet_job.h"
#include "nas/multi_trial/benchmark_table.h"
#include "nas/multi_trial/tuner.h"
#include "nas/multi_trial/tuner_driver.h"

namespace nas::benchmark {
namespace {

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------- numbers

struct MeanStd {
  double mean = 0;
  double std = 0;  // sample standard deviation (0 for one value)
};

MeanStd MeanAndStd(const std::vector<double>& v) {
  MeanStd m;
  if (v.empty()) return m;
  m.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  if (v.size() < 2) return m;
  double squares = 0;
  for (double x : v) squares += (x - m.mean) * (x - m.mean);
  m.std = std::sqrt(squares / static_cast<double>(v.size() - 1));
  return m;
}

// Linear interpolation between order statistics (q in [0, 1]).
double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double position = q * static_cast<double>(v.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, v.size() - 1);
  return v[below] + (position - static_cast<double>(below)) * (v[above] - v[below]);
}

double Median(const std::vector<double>& v) { return Quantile(v, 0.5); }

std::string Percent(double accuracy) { return absl::StrFormat("%.2f", 100 * accuracy); }
std::string PercentPm(const MeanStd& m) {
  return absl::StrFormat("%.2f ± %.2f", 100 * m.mean, 100 * m.std);
}
MeanStd MeanStdOf(const Json& j) { return {j["mean"].get<double>(), j["std"].get<double>()}; }
std::string Fixed(double x, int digits = 3) { return absl::StrFormat("%.*f", digits, x); }

// A statistic, or its error as text (a constant score has no ranking).
Json StatOrError(const absl::StatusOr<double>& value) {
  if (value.ok()) return *value;
  return Json{{"error", std::string(value.status().message())}};
}
std::string StatText(const Json& stat) {
  return stat.is_number() ? Fixed(stat.get<double>()) : std::string("n/a");
}

// ---------------------------------------------------------------- the truth

struct Truth {
  const BenchmarkTable* table = nullptr;
  std::vector<double> test, valid, flops, parameters, train_seconds;
  std::vector<double> ranks;  // 1 = the best test accuracy
};

Truth TruthOf(const BenchmarkTable& table) {
  Truth t;
  t.table = &table;
  for (const BenchmarkRow& row : table.rows()) {
    t.test.push_back(row.mean_test_accuracy());
    t.valid.push_back(row.mean_valid_accuracy());
    t.flops.push_back(row.flops);
    t.parameters.push_back(row.parameters);
    t.train_seconds.push_back(row.train_seconds);
  }
  t.ranks = DescendingRanks(t.test);
  return t;
}

size_t RowIndex(const Truth& truth, const BenchmarkRow* row) {
  return static_cast<size_t>(row - truth.table->rows().data());
}

// The share of architectures with a true accuracy at most this row's (100 =
// the best).
double Percentile(const Truth& truth, size_t index) {
  const double mine = truth.test[index];
  const auto at_most = std::count_if(truth.test.begin(), truth.test.end(),
                                     [&](double other) { return other <= mine; });
  return 100.0 * static_cast<double>(at_most) / static_cast<double>(truth.test.size());
}

// `names` with every method that fixes another (OneShotMethod::parent)
// moved right after its parent when the parent is among them.
std::vector<std::string> GroupedByParent(const std::vector<std::string>& names) {
  auto parent_of = [](const std::string& name) {
    absl::StatusOr<OneShotMethod> m = OneShotMethodRegistry().Lookup(name);
    return m.ok() ? m->parent : std::string();
  };
  const std::set<std::string> present(names.begin(), names.end());
  std::vector<std::string> out;
  for (const std::string& name : names) {
    const std::string parent = parent_of(name);
    if (!parent.empty() && present.count(parent) > 0) continue;  // placed after its parent
    out.push_back(name);
    for (const std::string& other : names) {
      if (other != name && parent_of(other) == name) out.push_back(other);
    }
  }
  return out;
}

Json Ranking(const std::vector<double>& estimate, const std::vector<double>& truth) {
  return {{"kendall_tau_b", StatOrError(KendallTau(estimate, truth))},
          {"spearman_rho", StatOrError(SpearmanRho(estimate, truth))},
          {"kendall_tau_b_top10", StatOrError(KendallTauInTop(estimate, truth, 0.1))}};
}

Json TableSummary(const Truth& t) {
  const BenchmarkTable& table = *t.table;
  std::vector<double> seed_std_test, seed_std_valid;
  for (const BenchmarkRow& row : table.rows()) {
    std::vector<double> test, valid;
    for (const BenchmarkRun& run : row.runs) {
      test.push_back(run.test_accuracy);
      valid.push_back(run.valid_accuracy);
    }
    seed_std_test.push_back(MeanAndStd(test).std);
    seed_std_valid.push_back(MeanAndStd(valid).std);
  }
  const size_t best = std::max_element(t.test.begin(), t.test.end()) - t.test.begin();
  const size_t worst = std::min_element(t.test.begin(), t.test.end()) - t.test.begin();
  const size_t best_valid = std::max_element(t.valid.begin(), t.valid.end()) - t.valid.begin();
  Json quantiles = Json::object();
  for (double q : {0.1, 0.25, 0.5, 0.75, 0.9}) {
    quantiles[absl::StrFormat("%.2f", q)] = Quantile(t.test, q);
  }
  return {
      {"architectures", table.rows().size()},
      {"seeds", table.rows().front().runs.size()},
      {"best", {{"name", table.rows()[best].name}, {"test_accuracy", t.test[best]}}},
      {"worst", {{"name", table.rows()[worst].name}, {"test_accuracy", t.test[worst]}}},
      {"median_test_accuracy", Median(t.test)},
      {"test_accuracy_quantiles", quantiles},
      {"best_by_validation",
       {{"name", table.rows()[best_valid].name},
        {"valid_accuracy", t.valid[best_valid]},
        {"test_accuracy", t.test[best_valid]},
        {"rank", t.ranks[best_valid]}}},
      {"noise",
       {{"median_seed_std_test", Median(seed_std_test)},
        {"median_seed_std_valid", Median(seed_std_valid)},
        {"std_across_architectures_test", MeanAndStd(t.test).std},
        {"std_across_architectures_valid", MeanAndStd(t.valid).std},
        {"std_across_architectures_test_top_half", MeanAndStd([&] {
                                                     std::vector<double> top;
                                                     const double median = Median(t.test);
                                                     for (double x : t.test) {
                                                       if (x >= median) top.push_back(x);
                                                     }
                                                     return top;
                                                   }())
                                                       .std}}},
      {"train_seconds",
       {{"total_one_seed", std::accumulate(t.train_seconds.begin(), t.train_seconds.end(), 0.0)},
        {"median", Median(t.train_seconds)},
        {"min", *std::min_element(t.train_seconds.begin(), t.train_seconds.end())},
        {"max", *std::max_element(t.train_seconds.begin(), t.train_seconds.end())}}},
      {"proxies",
       {{"flops", Ranking(t.flops, t.test)}, {"parameters", Ranking(t.parameters, t.test)}}}};
}

// The table must describe the registered space it names: its search space
// is the one that space builds with the table's options (else the one-shot
// methods would search something else than the table holds).
absl::Status CheckTableMatchesSpace(const BenchmarkTable& table, const std::string& path) {
  const Json options = table.header().value("space_options", Json::object());
  absl::StatusOr<BuiltSpace> built = BuildSpace(table.space(), options, 0);
  if (!built.ok()) {
    return Annotate(built.status(),
                    absl::StrCat(path, ": the table's space '", table.space(), "'"));
  }
  NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(*built->model));
  if (space.to_json() != table.search_space().to_json()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": the table's search space is not the one space '", table.space(),
        "' builds with the table's space_options (a table of another space or version?)"));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------- tuners

struct TunerRun {
  std::vector<double> times;       // simulated seconds at each finished trial
  std::vector<double> best_valid;  // the best validation accuracy seen so far
  std::vector<double> best_test;   // the true accuracy of that architecture
  int64_t trials = 0;
};

absl::StatusOr<TunerRun> RunTuner(const std::string& name, const Json& options, uint64_t seed,
                                  const BenchmarkTable& table, double budget,
                                  const std::string& dir) {
  NAS_ASSIGN_OR_RETURN(TunerFactory factory, TunerRegistry().Lookup(name));
  TunerConfig tuner_config;
  tuner_config.seed = seed;
  tuner_config.options = options;
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Tuner> tuner, factory(tuner_config));
  TableEvaluator evaluator(&table);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);  // a fresh search every run
  TunerDriverOptions driver;
  driver.output_dir = dir;
  driver.max_trials = 1'000'000;  // the simulated budget ends the run
  driver.parallel = 1;
  driver.seed = seed;
  driver.max_consecutive_failures = 3;
  driver.budget_spent = [&] { return evaluator.simulated_seconds() >= budget; };
  TunerRun run;
  double best = -1, best_test = 0;
  auto observer = [&](const Json& finished, const SearchSummary&) {
    if (finished.value("status", "") != "succeeded") return;
    const double value = finished["value"].get<double>();
    const Json& metrics = finished["metrics"];
    if (value > best) {
      best = value;
      best_test = metrics["mean_test_accuracy"].get<double>();
    }
    run.times.push_back(metrics["simulated_seconds"].get<double>());
    run.best_valid.push_back(best);
    run.best_test.push_back(best_test);
  };
  Json identity = {{"tuner", name}, {"options", options}, {"seed", seed}, {"budget", budget}};
  NAS_ASSIGN_OR_RETURN(SearchSummary summary, RunSearch(driver, table.search_space(), identity,
                                                        tuner.get(), &evaluator, observer));
  if (summary.failed > 0) {
    return absl::InternalError(absl::StrCat("tuner '", name, "' had ", summary.failed,
                                            " failed trial(s) against the table"));
  }
  run.trials = summary.succeeded;
  if (run.times.empty())
    return absl::InternalError(absl::StrCat("tuner '", name, "' ran no trial"));
  return run;
}

// The value of a run's best-so-far series at simulated time t (NaN before
// its first trial).
double AtTime(const TunerRun& run, const std::vector<double>& series, double t) {
  auto it = std::upper_bound(run.times.begin(), run.times.end(), t);
  if (it == run.times.begin()) return std::numeric_limits<double>::quiet_NaN();
  return series[(it - run.times.begin()) - 1];
}

// ---------------------------------------------------------------- one-shot

struct MethodRun {
  uint64_t seed = 0;
  std::string error;
  Json architecture;
  std::string name;
  double test = 0, valid = 0, rank = 0, percentile = 0, seconds = 0;
  Json details;
  Json ranking;  // null unless the supernet scored every architecture
  std::vector<double> scores;
};

// The space's options for a supernet: BN without affine parameters (as
// NAS-Bench-201's weight-sharing searches), where the space has the option.
Json SupernetSpaceOptions(const Json& table_options) {
  Json options = table_options.is_object() ? table_options : Json::object();
  if (options.contains("affine")) options["affine"] = false;
  return options;
}

absl::StatusOr<OneShotRequest> RequestFor(const CompareConfig& config, const BenchmarkTable& table,
                                          const std::string& method, uint64_t seed,
                                          const std::string& dir) {
  const Json& header = table.header();
  if (!header.contains("protocol") || !header["protocol"].contains("data")) {
    return absl::InvalidArgumentError(
        "the table's header has no protocol.data: the one-shot methods need the table's data");
  }
  OneShotRequest r;
  r.space = table.space();
  r.space_options = SupernetSpaceOptions(header.value("space_options", Json::object()));
  NAS_RETURN_IF_ERROR(
      DataOptionsFromJson(header["protocol"]["data"], "table header protocol.data", &r.data));
  if (!config.data_dir.empty()) r.data.data_dir = config.data_dir;
  r.split_seed = header["protocol"].value("split_seed", uint64_t{0});
  r.epochs = config.epochs;
  r.options = config.method_options.value(method, Json::object());
  r.scoring = config.ranking_evaluation;
  r.seed = seed;
  r.output_dir = dir;
  return r;
}

MethodRun RunMethod(const CompareConfig& config, const Truth& truth, const std::string& name,
                    const OneShotMethod& method, int index, const std::string& dir) {
  MethodRun run;
  run.seed = config.seed + static_cast<uint64_t>(index);
  auto fail = [&](const absl::Status& status) {
    run.error = std::string(status.message());
    LOG(ERROR) << name << " seed " << run.seed << ": " << run.error;
    return run;
  };
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  absl::StatusOr<OneShotRequest> request = RequestFor(config, *truth.table, name, run.seed, dir);
  if (!request.ok()) return fail(request.status());
  LOG(INFO) << "one-shot " << name << " seed " << run.seed << ": " << config.epochs
            << " epoch(s) of supernet training";
  const Clock::time_point start = Clock::now();
  absl::StatusOr<OneShotResult> result = method.search(*request);
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!result.ok()) return fail(result.status());
  run.architecture = result->architecture.to_json();
  absl::StatusOr<const BenchmarkRow*> row = truth.table->find(result->architecture);
  if (!row.ok()) {
    return fail(Annotate(row.status(), "the architecture the method returned"));
  }
  const size_t i = RowIndex(truth, *row);
  run.name = (*row)->name;
  run.test = truth.test[i];
  run.valid = truth.valid[i];
  run.rank = truth.ranks[i];
  run.percentile = Percentile(truth, i);
  run.details = result->details;
  if (result->score && config.rank_all && index < config.rank_seeds) {
    LOG(INFO) << name << ": scoring all " << truth.table->rows().size()
              << " architectures on the supernet";
    for (const BenchmarkRow& other : truth.table->rows()) {
      absl::StatusOr<double> score = result->score(other.architecture);
      if (!score.ok()) return fail(Annotate(score.status(), "scoring " + other.name));
      run.scores.push_back(*score);
    }
    run.ranking = Ranking(run.scores, truth.test);
    const size_t top = std::max_element(run.scores.begin(), run.scores.end()) - run.scores.begin();
    run.ranking["top_scored"] = {{"name", truth.table->rows()[top].name},
                                 {"test_accuracy", truth.test[top]},
                                 {"rank", truth.ranks[top]}};
  }
  LOG(INFO) << name << " seed " << run.seed << ": " << run.name << ", true test accuracy "
            << Percent(run.test) << "% (rank " << run.rank << "), " << Fixed(run.seconds, 1) << " s"
            << (run.ranking.is_null() ? std::string()
                                      : absl::StrCat("; supernet Kendall tau-b ",
                                                     StatText(run.ranking["kendall_tau_b"])));
  return run;
}

// Parameter-free share of an architecture (skip and pooling among its
// choices): DARTS's collapse signal.
double ParameterFreeShare(const Json& architecture) {
  if (!architecture.is_object() || architecture.empty()) return 0;
  int free = 0;
  for (const auto& [key, value] : architecture.items()) {
    if (!value.is_string()) continue;
    const std::string op = value.get<std::string>();
    free += (op == "skip_connect" || op == "avg_pool_3x3" || op == "max_pool_3x3") ? 1 : 0;
  }
  return static_cast<double>(free) / static_cast<double>(architecture.size());
}

// ---------------------------------------------------------------- report

std::string MarkdownTable(const std::vector<std::string>& header,
                          const std::vector<std::vector<std::string>>& rows) {
  std::string out = "| " + absl::StrJoin(header, " | ") + " |\n|";
  for (size_t i = 0; i < header.size(); ++i) out += "---|";
  out += "\n";
  for (const auto& row : rows) out += "| " + absl::StrJoin(row, " | ") + " |\n";
  return out;
}

}  // namespace

absl::StatusOr<CompareConfig> ComparePreset(const std::string& name) {
  CompareConfig c;
  c.preset = name;
  c.ranking_evaluation.recalibration_batches = 4;
  c.ranking_evaluation.eval_batches = 4;
  c.tuner_options = {
      {"evolution", {{"population_size", 10}, {"sample_size", 3}}},  // NAS-Bench-201's REA
      {"policy_gradient", {{"learning_rate", 0.1}, {"entropy_weight", 0.001}}},
      {"spos_evolution",
       {{"population_size", 10},
        {"generations", 100},
        {"top_k", 3},
        {"mutations", 5},
        {"crossovers", 5}}}};
  if (name == "default") return c;
  if (name == "quick") {
    c.method_seeds = 1;
    c.epochs = 0.25;
    c.tuner_seeds = 20;
    c.ranking_evaluation.eval_batches = 2;
    return c;
  }
  return absl::NotFoundError(
      absl::StrCat("unknown comparison preset '", name, "'; known: default, quick"));
}

absl::StatusOr<CompareConfig> CompareConfigFromJson(const Json& j, const std::string& source) {
  if (!j.is_object()) return absl::InvalidArgumentError(source + ": expected a JSON object");
  std::string preset = "default";
  if (j.contains("preset")) {
    NAS_RETURN_IF_ERROR(JsonGet(j["preset"], JsonChildPath(source, "preset"), &preset));
  }
  NAS_ASSIGN_OR_RETURN(CompareConfig c,
                       Annotate(ComparePreset(preset), JsonChildPath(source, "preset")));
  JsonObjectReader r(j, source);
  std::string unused;
  r.Optional("preset", &unused)
      .Optional("table", &c.table)
      .Optional("data_dir", &c.data_dir)
      .Optional("methods", &c.methods)
      .Optional("method_seeds", &c.method_seeds)
      .Optional("rank_seeds", &c.rank_seeds)
      .Optional("epochs", &c.epochs)
      .Optional("rank_all", &c.rank_all)
      .Optional("tuners", &c.tuners)
      .Optional("tuner_seeds", &c.tuner_seeds)
      .Optional("budget_seconds", &c.budget_seconds)
      .Optional("seed", &c.seed);
  const Json* method_options = r.Member("method_options");
  const Json* tuner_options = r.Member("tuner_options");
  const Json* ranking = r.Member("ranking_evaluation");
  NAS_RETURN_IF_ERROR(r.Finish());
  auto bad = [&](const char* member, const std::string& rule) {
    return absl::InvalidArgumentError(absl::StrCat(JsonChildPath(source, member), " ", rule));
  };
  if (method_options != nullptr) {
    if (!method_options->is_object()) return bad("method_options", "must be an object");
    for (const auto& [name, options] : method_options->items()) c.method_options[name] = options;
  }
  if (tuner_options != nullptr) {
    if (!tuner_options->is_object()) return bad("tuner_options", "must be an object");
    for (const auto& [name, options] : tuner_options->items()) c.tuner_options[name] = options;
  }
  if (ranking != nullptr) {
    NAS_RETURN_IF_ERROR(SupernetEvaluationOptionsFromJson(
        *ranking, JsonChildPath(source, "ranking_evaluation"), &c.ranking_evaluation));
  }
  if (c.table.empty()) return bad("table", "must name a benchmark table file");
  if (c.method_seeds < 0 || c.method_seeds > 100) return bad("method_seeds", "must be in [0, 100]");
  if (c.rank_seeds < 0) return bad("rank_seeds", "must be >= 0");
  if (!(c.epochs > 0) || c.epochs > 1000) return bad("epochs", "must be in (0, 1000]");
  if (c.tuner_seeds < 0 || c.tuner_seeds > 1000) return bad("tuner_seeds", "must be in [0, 1000]");
  if (c.budget_seconds < 0) return bad("budget_seconds", "must be >= 0 (0 = automatic)");
  for (const std::string& name : c.methods) {
    if (!OneShotMethodRegistry().Lookup(name).ok()) {
      return bad("methods", absl::StrCat("names an unknown one-shot method '", name, "'; known: ",
                                         absl::StrJoin(OneShotMethodRegistry().Names(), ", ")));
    }
  }
  for (const auto& [name, options] : c.method_options.items()) {
    if (!OneShotMethodRegistry().Lookup(name).ok()) {
      return bad("method_options", absl::StrCat("names an unknown one-shot method '", name, "'"));
    }
  }
  for (const std::string& name : c.tuners) {
    if (!TunerRegistry().Lookup(name).ok()) {
      return bad("tuners", absl::StrCat("names an unknown tuner '", name, "'; known: ",
                                        absl::StrJoin(TunerRegistry().Names(), ", ")));
    }
  }
  return c;
}

Json CompareConfigToJson(const CompareConfig& c) {
  return {{"preset", c.preset},
          {"table", c.table},
          {"data_dir", c.data_dir},
          {"methods", c.methods},
          {"method_seeds", c.method_seeds},
          {"rank_seeds", c.rank_seeds},
          {"epochs", c.epochs},
          {"method_options", c.method_options},
          {"rank_all", c.rank_all},
          {"ranking_evaluation", SupernetEvaluationOptionsToJson(c.ranking_evaluation)},
          {"tuners", c.tuners},
          {"tuner_options", c.tuner_options},
          {"tuner_seeds", c.tuner_seeds},
          {"budget_seconds", c.budget_seconds},
          {"seed", c.seed}};
}

absl::StatusOr<Json> RunComparison(const CompareConfig& config, const std::string& output_dir) {
  NAS_ASSIGN_OR_RETURN(BenchmarkTable table, BenchmarkTable::Read(config.table));
  if (table.rows().size() < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat(config.table, ": a comparison needs at least 2 architectures"));
  }
  NAS_RETURN_IF_ERROR(CheckTableMatchesSpace(table, config.table));
  NAS_RETURN_IF_ERROR(MakeDirs(output_dir));
  const Truth truth = TruthOf(table);
  std::vector<std::string> failures;
  Json report = {{"config", CompareConfigToJson(config)},
                 {"table",
                  {{"file", config.table},
                   {"space", table.space()},
                   {"protocol", table.header().value("protocol", Json())},
                   {"code_version", table.header().value("code_version", "")},
                   {"rows_sha256", table.header().value("rows_sha256", "")}}}};
  report["table"]["summary"] = TableSummary(truth);
  const Json& summary = report["table"]["summary"];

  // Multi-trial tuners at equal simulated time.
  const double budget = config.budget_seconds > 0
                            ? config.budget_seconds
                            : 0.1 * summary["train_seconds"]["total_one_seed"].get<double>();
  const int kGrid = 40;
  std::vector<double> grid;
  for (int k = 1; k <= kGrid; ++k) grid.push_back(budget * k / kGrid);
  Json tuners = Json::array();
  std::vector<PlotSeries> tuner_curves;
  for (const std::string& name : config.tuners) {
    if (config.tuner_seeds == 0) break;
    const Json options = config.tuner_options.value(name, Json::object());
    std::vector<TunerRun> runs;
    std::string error;
    for (int s = 0; s < config.tuner_seeds && error.empty(); ++s) {
      absl::StatusOr<TunerRun> run =
          RunTuner(name, options, config.seed + static_cast<uint64_t>(s), table, budget,
                   JoinPath(output_dir, absl::StrCat("tuners/", name, "/seed", s)));
      if (!run.ok()) {
        error = std::string(run.status().message());
      } else {
        runs.push_back(*std::move(run));
      }
    }
    Json entry = {{"tuner", name}, {"options", options}, {"seeds", runs.size()}};
    if (!error.empty()) {
      entry["error"] = error;
      failures.push_back(absl::StrCat("tuner ", name, ": ", error));
      tuners.push_back(entry);
      continue;
    }
    std::vector<double> final_test, final_valid, trials;
    for (const TunerRun& run : runs) {
      final_test.push_back(run.best_test.back());
      final_valid.push_back(run.best_valid.back());
      trials.push_back(static_cast<double>(run.trials));
    }
    PlotSeries curve(name, {}, {});
    Json curve_json = Json::array();
    for (double t : grid) {
      std::vector<double> at;
      for (const TunerRun& run : runs) {
        const double v = AtTime(run, run.best_test, t);
        if (!std::isnan(v)) at.push_back(v);
      }
      if (at.size() != runs.size()) continue;  // not every run has a trial yet
      const MeanStd m = MeanAndStd(at);
      curve.x.push_back(t);
      curve.y.push_back(100 * m.mean);
      curve.y_error.push_back(100 * m.std);
      curve_json.push_back({{"seconds", t}, {"mean", m.mean}, {"std", m.std}});
    }
    tuner_curves.push_back(curve);
    const MeanStd test = MeanAndStd(final_test), valid = MeanAndStd(final_valid);
    entry["test_accuracy"] = {{"mean", test.mean}, {"std", test.std}};
    entry["valid_accuracy"] = {{"mean", valid.mean}, {"std", valid.std}};
    entry["trials"] = {{"mean", MeanAndStd(trials).mean}};
    entry["found_optimum"] = std::count_if(final_test.begin(), final_test.end(), [&](double x) {
      return x >= summary["best"]["test_accuracy"].get<double>();
    });
    entry["curve"] = curve_json;
    tuners.push_back(entry);
    LOG(INFO) << "tuner " << name << ": " << PercentPm(test) << "% true test accuracy after "
              << Fixed(budget, 0) << " simulated s (" << runs.size() << " seeds)";
  }
  report["tuners"] = {{"budget_seconds", budget}, {"results", tuners}};

  // One-shot methods on the table's space and data.
  std::vector<std::string> methods =
      GroupedByParent(config.methods.empty() ? OneShotMethodRegistry().Names() : config.methods);
  Json oneshot = Json::array();
  std::vector<PlotPanel> ranking_panels;
  for (const std::string& name : methods) {
    if (config.method_seeds == 0) break;
    NAS_ASSIGN_OR_RETURN(OneShotMethod method, OneShotMethodRegistry().Lookup(name));
    std::vector<MethodRun> runs;
    for (int s = 0; s < config.method_seeds; ++s) {
      runs.push_back(RunMethod(config, truth, name, method, s,
                               JoinPath(output_dir, absl::StrCat("methods/", name, "/seed", s))));
    }
    Json entry = {{"method", name}, {"description", method.description}, {"parent", method.parent}};
    Json per_seed = Json::array();
    std::vector<double> test, valid, seconds, free, tau, percentiles;
    int top10 = 0, above_median = 0;
    for (const MethodRun& run : runs) {
      Json j = {{"seed", run.seed}};
      if (!run.error.empty()) {
        j["error"] = run.error;
        failures.push_back(absl::StrCat(name, " seed ", run.seed, ": ", run.error));
        per_seed.push_back(j);
        continue;
      }
      j.update({{"architecture", run.architecture},
                {"name", run.name},
                {"test_accuracy", run.test},
                {"valid_accuracy", run.valid},
                {"rank", run.rank},
                {"percentile", run.percentile},
                {"parameter_free_share", ParameterFreeShare(run.architecture)},
                {"search_seconds", run.seconds},
                {"details", run.details}});
      if (!run.ranking.is_null()) {
        j["ranking"] = run.ranking;
        j["supernet_scores"] = run.scores;
        PlotPanel panel;
        panel.options.title = absl::StrCat(name, " (seed ", run.seed, "): tau-b ",
                                           StatText(run.ranking["kendall_tau_b"]));
        panel.options.x_label = "supernet accuracy (%)";
        panel.options.y_label = "true test accuracy (%)";
        PlotSeries points(name, {}, {}, PlotSeries::Style::kPoints);
        for (size_t i = 0; i < run.scores.size(); ++i) {
          points.x.push_back(100 * run.scores[i]);
          points.y.push_back(100 * truth.test[i]);
        }
        points.in_legend = false;
        panel.series.push_back(points);
        ranking_panels.push_back(panel);
      }
      if (!run.ranking.is_null() && run.ranking["kendall_tau_b"].is_number()) {
        tau.push_back(run.ranking["kendall_tau_b"].get<double>());
      }
      per_seed.push_back(j);
      test.push_back(run.test);
      valid.push_back(run.valid);
      seconds.push_back(run.seconds);
      free.push_back(ParameterFreeShare(run.architecture));
      percentiles.push_back(run.percentile);
      top10 += run.percentile >= 90 ? 1 : 0;
      above_median += run.test > summary["median_test_accuracy"].get<double>() ? 1 : 0;
    }
    entry["runs"] = per_seed;
    if (!test.empty()) {
      const MeanStd t = MeanAndStd(test), v = MeanAndStd(valid);
      entry["test_accuracy"] = {{"mean", t.mean}, {"std", t.std}};
      entry["valid_accuracy"] = {{"mean", v.mean}, {"std", v.std}};
      entry["search_seconds"] = {{"mean", MeanAndStd(seconds).mean}};
      entry["parameter_free_share"] = {{"mean", MeanAndStd(free).mean}};
      entry["percentile"] = {{"mean", MeanAndStd(percentiles).mean}};
      entry["in_top_10_percent"] = top10;
      entry["above_median"] = above_median;
    }
    if (!tau.empty()) {
      const MeanStd k = MeanAndStd(tau);
      entry["kendall_tau_b"] = {{"mean", k.mean}, {"std", k.std}, {"seeds", tau.size()}};
    }
    oneshot.push_back(entry);
  }
  report["oneshot"] = {{"epochs", config.epochs}, {"results", oneshot}};

  // Plots.
  {
    PlotOptions o;
    o.title = absl::StrCat("Multi-trial search on the table (", config.tuner_seeds, " seeds)");
    o.x_label = "simulated training time (s)";
    o.y_label = "true test accuracy of the best-validation architecture (%)";
    if (!tuner_curves.empty()) {
      NAS_RETURN_IF_ERROR(WriteSvgPlot(JoinPath(output_dir, "tuners.svg"), o, tuner_curves));
    }
  }
  {
    std::vector<size_t> order(truth.test.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return truth.test[a] > truth.test[b]; });
    PlotSeries mean("mean over seeds", {}, {}, PlotSeries::Style::kLine);
    PlotSeries seeds("one seed", {}, {}, PlotSeries::Style::kPoints);
    seeds.opacity = 0.4;
    for (size_t k = 0; k < order.size(); ++k) {
      mean.x.push_back(static_cast<double>(k + 1));
      mean.y.push_back(100 * truth.test[order[k]]);
      for (const BenchmarkRun& run : table.rows()[order[k]].runs) {
        seeds.x.push_back(static_cast<double>(k + 1));
        seeds.y.push_back(100 * run.test_accuracy);
      }
    }
    PlotOptions o;
    o.title = absl::StrCat("The table: ", truth.test.size(), " architectures");
    o.x_label = "rank by true test accuracy";
    o.y_label = "test accuracy (%)";
    NAS_RETURN_IF_ERROR(WriteSvgPlot(JoinPath(output_dir, "table.svg"), o, {seeds, mean}));
  }
  {
    for (const auto& [label, values] :
         std::vector<std::pair<std::string, const std::vector<double>*>>{
             {"FLOPs", &truth.flops}, {"parameters", &truth.parameters}}) {
      PlotPanel panel;
      panel.options.title = absl::StrCat(
          label, " as a proxy: tau-b ",
          StatText(summary["proxies"][label == "FLOPs" ? "flops" : "parameters"]["kendall_tau_b"]));
      panel.options.x_label = label;
      panel.options.y_label = "true test accuracy (%)";
      PlotSeries points(label, {}, {}, PlotSeries::Style::kPoints);
      for (size_t i = 0; i < values->size(); ++i) {
        points.x.push_back((*values)[i]);
        points.y.push_back(100 * truth.test[i]);
      }
      points.in_legend = false;
      panel.series.push_back(points);
      ranking_panels.push_back(panel);
    }
    NAS_RETURN_IF_ERROR(WriteSvgGrid(JoinPath(output_dir, "ranking.svg"), ranking_panels, 3));
  }

  // report.md.
  std::string md = "# Search quality on the benchmark table\n\n";
  absl::StrAppend(&md, "Table `", config.table, "`: ", summary["architectures"].get<int64_t>(),
                  " architectures of `", table.space(), "`, ", summary["seeds"].get<int64_t>(),
                  " seeds each (code version `",
                  table.header().value("code_version", std::string("unknown")),
                  "`). True accuracy = test accuracy averaged over the seeds; rank 1 = the "
                  "best.\n\n");
  absl::StrAppend(&md, "## The table\n\n");
  {
    const Json& q = summary["test_accuracy_quantiles"];
    const Json& noise = summary["noise"];
    md += MarkdownTable(
        {"best", "90%", "75%", "median", "25%", "10%", "worst"},
        {{Percent(summary["best"]["test_accuracy"].get<double>()), Percent(q["0.90"].get<double>()),
          Percent(q["0.75"].get<double>()), Percent(q["0.50"].get<double>()),
          Percent(q["0.25"].get<double>()), Percent(q["0.10"].get<double>()),
          Percent(summary["worst"]["test_accuracy"].get<double>())}});
    absl::StrAppend(&md, "\nBest: `", summary["best"]["name"].get<std::string>(), "`; worst: `",
                    summary["worst"]["name"].get<std::string>(),
                    "`. The best by validation accuracy, `",
                    summary["best_by_validation"]["name"].get<std::string>(), "`, tests at ",
                    Percent(summary["best_by_validation"]["test_accuracy"].get<double>()),
                    "% (rank ", summary["best_by_validation"]["rank"].get<double>(), ").\n\n",
                    "Noise: the median seed-to-seed std of one architecture's test accuracy is ",
                    Percent(noise["median_seed_std_test"].get<double>()),
                    " points (validation: ", Percent(noise["median_seed_std_valid"].get<double>()),
                    "), against a std across architectures of ",
                    Percent(noise["std_across_architectures_test"].get<double>()), " (",
                    Percent(noise["std_across_architectures_test_top_half"].get<double>()),
                    " within the better half).\n\n");
    absl::StrAppend(&md, "Training time per architecture (alone, one seed): median ",
                    Fixed(summary["train_seconds"]["median"].get<double>(), 1), " s, total ",
                    Fixed(summary["train_seconds"]["total_one_seed"].get<double>(), 0),
                    " s. Plot: `table.svg`.\n\n");
  }
  absl::StrAppend(&md, "## Every method at a glance (NAS-Bench-201 Table 5's shape)\n\n");
  {
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"optimal (by true test accuracy)", "-", "-",
                    Percent(summary["best"]["test_accuracy"].get<double>()), "-"});
    for (const Json& t : tuners) {
      if (t.contains("error")) {
        rows.push_back({t["tuner"].get<std::string>() + " (tuner)", "error", "", "", ""});
        continue;
      }
      rows.push_back(
          {t["tuner"].get<std::string>() + " (tuner)", absl::StrCat(Fixed(budget, 0), " simulated"),
           PercentPm(MeanStdOf(t["valid_accuracy"])), PercentPm(MeanStdOf(t["test_accuracy"])),
           absl::StrCat(t["seeds"].get<int64_t>())});
    }
    for (const Json& m : oneshot) {
      if (!m.contains("test_accuracy")) {
        rows.push_back({m["method"].get<std::string>() + " (one-shot)", "error", "", "", ""});
        continue;
      }
      rows.push_back({m["method"].get<std::string>() + " (one-shot)",
                      absl::StrCat(Fixed(m["search_seconds"]["mean"].get<double>(), 0), " wall"),
                      PercentPm(MeanStdOf(m["valid_accuracy"])),
                      PercentPm(MeanStdOf(m["test_accuracy"])), absl::StrCat(m["runs"].size())});
    }
    md += MarkdownTable(
        {"method", "search cost (s)", "valid accuracy (%)", "true test accuracy (%)", "seeds"},
        rows);
    md += "\n";
  }
  absl::StrAppend(&md,
                  "## Multi-trial tuners\n\nEach run stops when the recorded training "
                  "time of its trials reaches ",
                  Fixed(budget, 0),
                  " simulated seconds; the number is the true test accuracy of the "
                  "architecture with the best validation accuracy so far (the tuner sees one "
                  "seed's validation accuracy per trial). Curves: `tuners.svg`.\n\n");
  {
    std::vector<std::vector<std::string>> rows;
    for (const Json& t : tuners) {
      if (t.contains("error")) {
        rows.push_back(
            {t["tuner"].get<std::string>(), "error: " + t["error"].get<std::string>(), "", "", ""});
        continue;
      }
      rows.push_back(
          {t["tuner"].get<std::string>(), PercentPm(MeanStdOf(t["test_accuracy"])),
           PercentPm(MeanStdOf(t["valid_accuracy"])), Fixed(t["trials"]["mean"].get<double>(), 1),
           absl::StrCat(t["found_optimum"].get<int64_t>(), " / ", t["seeds"].get<int64_t>())});
    }
    md += MarkdownTable({"tuner", "true test accuracy (%)", "valid accuracy (%)", "trials (mean)",
                         "found the optimum"},
                        rows);
    md += "\n";
  }
  absl::StrAppend(&md, "## One-shot methods\n\n", Fixed(config.epochs, 2),
                  " epoch(s) of supernet training on the table's training split; the "
                  "architecture each returns, looked up in the table.\n\n");
  {
    // Each fix beside the method it fixes, with the difference it makes.
    std::map<std::string, const Json*> by_name;
    for (const Json& m : oneshot) by_name[m["method"].get<std::string>()] = &m;
    auto tau_text = [](const Json& m) {
      if (!m.contains("kendall_tau_b")) return std::string("-");
      const Json& k = m["kendall_tau_b"];
      return absl::StrCat(Fixed(k["mean"].get<double>()), " (", k["seeds"].get<int64_t>(), ")");
    };
    std::vector<std::vector<std::string>> rows;
    for (const Json& m : oneshot) {
      if (!m.contains("test_accuracy")) continue;
      const std::string parent = m["parent"].get<std::string>();
      std::string versus = "-";
      auto p = by_name.find(parent);
      if (!parent.empty() && p != by_name.end() && p->second->contains("test_accuracy")) {
        const Json& pm = *p->second;
        versus = absl::StrFormat("%+.2f", 100 * (m["test_accuracy"]["mean"].get<double>() -
                                                 pm["test_accuracy"]["mean"].get<double>()));
        if (m.contains("kendall_tau_b") && pm.contains("kendall_tau_b")) {
          absl::StrAppend(&versus, " / ",
                          absl::StrFormat("%+.3f", m["kendall_tau_b"]["mean"].get<double>() -
                                                       pm["kendall_tau_b"]["mean"].get<double>()));
        }
      }
      const size_t seeds = m["runs"].size();
      rows.push_back({m["method"].get<std::string>(), parent.empty() ? "-" : parent,
                      absl::StrCat(seeds), PercentPm(MeanStdOf(m["test_accuracy"])),
                      Fixed(m["percentile"]["mean"].get<double>(), 1),
                      absl::StrCat(m["in_top_10_percent"].get<int>(), " / ", seeds),
                      absl::StrCat(m["above_median"].get<int>(), " / ", seeds), tau_text(m),
                      Fixed(m["parameter_free_share"]["mean"].get<double>(), 2), versus});
    }
    md += MarkdownTable({"method", "fixes", "seeds", "true test accuracy (%)", "percentile (mean)",
                         "in the top 10%", "above the median", "supernet tau-b (seeds)",
                         "parameter-free share", "vs the method it fixes (accuracy / tau-b)"},
                        rows);
    md += "\n";
  }
  {
    std::vector<std::vector<std::string>> rows;
    for (const Json& m : oneshot) {
      for (const Json& run : m["runs"]) {
        if (run.contains("error")) {
          rows.push_back({m["method"].get<std::string>(), absl::StrCat(run["seed"].get<uint64_t>()),
                          "error: " + run["error"].get<std::string>(), "", "", "", "", ""});
          continue;
        }
        rows.push_back({m["method"].get<std::string>(), absl::StrCat(run["seed"].get<uint64_t>()),
                        "`" + run["name"].get<std::string>() + "`",
                        Percent(run["test_accuracy"].get<double>()),
                        absl::StrCat(run["rank"].get<double>()),
                        Fixed(run["percentile"].get<double>(), 1),
                        Fixed(run["parameter_free_share"].get<double>(), 2),
                        Fixed(run["search_seconds"].get<double>(), 0)});
      }
    }
    md += MarkdownTable({"method", "seed", "architecture", "true test accuracy (%)", "rank",
                         "percentile", "parameter-free share", "search (s)"},
                        rows);
    md += "\n";
  }
  absl::StrAppend(&md,
                  "## Supernet rankings\n\nEvery architecture of the table scored on each "
                  "method's trained supernet (BN statistics re-estimated on ",
                  config.ranking_evaluation.recalibration_batches, " training batches, ",
                  config.ranking_evaluation.eval_batches,
                  " validation batches scored), against the true test accuracy; the proxies "
                  "for comparison. Scatter plots: `ranking.svg`.\n\n");
  {
    std::vector<std::vector<std::string>> rows;
    for (const char* proxy : {"flops", "parameters"}) {
      const Json& r = summary["proxies"][proxy];
      rows.push_back({std::string(proxy) + " (proxy)", StatText(r["kendall_tau_b"]),
                      StatText(r["spearman_rho"]), StatText(r["kendall_tau_b_top10"]), "-"});
    }
    for (const Json& m : oneshot) {
      for (const Json& run : m["runs"]) {
        if (!run.contains("ranking")) continue;
        const Json& r = run["ranking"];
        rows.push_back({absl::StrCat(m["method"].get<std::string>(), " (seed ",
                                     run["seed"].get<uint64_t>(), ")"),
                        StatText(r["kendall_tau_b"]), StatText(r["spearman_rho"]),
                        StatText(r["kendall_tau_b_top10"]),
                        absl::StrCat("`", r["top_scored"]["name"].get<std::string>(), "` ",
                                     Percent(r["top_scored"]["test_accuracy"].get<double>()),
                                     "% (rank ", r["top_scored"]["rank"].get<double>(), ")")});
      }
    }
    md += MarkdownTable({"estimator", "Kendall tau-b", "Spearman rho", "tau-b in the true top 10%",
                         "its top-scored architecture"},
                        rows);
  }
  if (!failures.empty()) {
    absl::StrAppend(&md, "\n## Failures\n\n");
    for (const std::string& f : failures) absl::StrAppend(&md, "* ", f, "\n");
  }
  report["failures"] = failures;
  NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(output_dir, "report.json"), report));
  NAS_RETURN_IF_ERROR(WriteFileAtomically(JoinPath(output_dir, "report.md"), md));
  LOG(INFO) << "wrote " << JoinPath(output_dir, "report.md") << ", report.json, tuners.svg, "
            << "table.svg, ranking.svg";
  if (!failures.empty()) {
    return absl::InternalError(absl::StrCat(
        failures.size(), " search(es) failed (first: ", failures.front(), "); see report.md"));
  }
  return report;
}

}  // namespace nas::benchmark
