#include "algorithms/nasbench/table_job.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/nn/module.h>

#include "absl/strings/str_cat.h"
#include "algorithms/nasbench/nasbench_space.h"
#include "nas/analysis/flops.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/base/torch/runtime.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/parameters.h"
#include "nas/jobs/supernet_job.h"
#include "nas/multi_trial/process_evaluator.h"
#include "nas/multi_trial/tuner.h"
#include "nas/multi_trial/tuner_driver.h"
#include "nas/train/classifier_trainer.h"

namespace nas::nasbench {
namespace {

TrialJobOptions Protocol(const std::string& dataset) {
  TrialJobOptions p;
  p.space = kNasbenchSpaceName;
  p.space_options = NasbenchSpaceOptionsToJson(NasbenchSpaceOptions());
  p.data.dataset = dataset;
  p.data.train_fraction = 50000.0 / 60000.0;  // 50,000 training / 10,000 validation images
  p.data.valid_examples = 0;                  // the whole validation split
  p.data.batch_size = 128;
  p.data.eval_batch_size = 500;
  p.data.workers = 1;
  p.steps = 200;  // half an epoch: 216 x 2 trials in about 75 min on 2 cores
  p.evaluations = 1;
  p.optimizer.lr = 0.1;
  p.optimizer.schedule = "cosine_steps";
  p.optimizer.nesterov = true;
  p.optimizer.weight_decay = 5e-4;  // NAS-Bench-201's recipe
  p.test_evaluation = true;
  return p;
}

// A source that yields the same random batch: a training step's cost without
// the loader's.
class FixedBatches : public BatchSource {
 public:
  FixedBatches(const std::vector<int64_t>& input_shape, int64_t batch, int64_t classes,
               int64_t count)
      : count_(count) {
    std::vector<int64_t> shape = {batch};
    shape.insert(shape.end(), input_shape.begin(), input_shape.end());
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(1);
    data_ = at::rand(shape, gen);
    target_ = at::randint(classes, {batch}, gen, at::kLong);
  }
  int64_t batches_per_epoch() const override { return count_; }
  void start_epoch(int64_t, int64_t start) override { next_ = start; }
  std::optional<Batch> next() override {
    if (next_ >= count_) return std::nullopt;
    Batch b;
    b.data = data_;
    b.target = target_;
    b.index = next_++;
    return b;
  }

 private:
  int64_t count_, next_ = 0;
  at::Tensor data_, target_;
};

class StepTimer : public Callback {
 public:
  void on_batch_begin(Trainer&, const Batch&) override {
    start_ = std::chrono::steady_clock::now();
  }
  void on_batch_end(Trainer&, const Batch&, const Metrics&) override {
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  }
  std::vector<double> seconds;

 private:
  std::chrono::steady_clock::time_point start_;
};

struct Cost {
  double step_seconds = 0;
  double flops = 0;
  double parameters = 0;
};

absl::StatusOr<Cost> MeasureCost(const TableConfig& config, const Architecture& arch) {
  const TrialJobOptions& p = config.protocol;
  NAS_ASSIGN_OR_RETURN(BuiltSpace built, BuildSpace(p.space, p.space_options, 0));
  NAS_RETURN_IF_ERROR(ApplyFixedArchitecture(*built.model, arch));
  Cost cost;
  NAS_ASSIGN_OR_RETURN(ModelCost counted,
                       CountCost(*built.model, built.forward, built.input_shape));
  cost.flops = static_cast<double>(counted.macs);
  cost.parameters = static_cast<double>(counted.parameters);
  const int64_t steps = config.cost.warmup_steps + config.cost.timed_steps;
  FixedBatches batches(built.input_shape, p.data.batch_size, std::max<int64_t>(built.classes, 2),
                       steps);
  TrainerOptions t;
  t.epochs = 1;
  t.progress = false;
  t.log_every = steps;
  t.precision = p.precision;
  t.device = p.device;
  ClassifierTrainer trainer(t, p.optimizer, built, &batches, nullptr);
  auto timer = std::make_shared<StepTimer>();
  trainer.add_callback(timer);
  NAS_RETURN_IF_ERROR(trainer.fit());
  std::vector<double> timed(timer->seconds.begin() + config.cost.warmup_steps,
                            timer->seconds.end());
  std::sort(timed.begin(), timed.end());
  cost.step_seconds = timed[timed.size() / 2];
  return cost;
}

std::string UtcNow() {
  std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

}  // namespace

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown";
}

absl::StatusOr<TableConfig> TablePreset(const std::string& name) {
  TableConfig c;
  c.preset = name;
  if (name == "fashion_mnist") {
    c.protocol = Protocol("fashion_mnist");
    return c;
  }
  if (name == "tiny") {
    c.protocol = Protocol("synthetic");
    // 27 architectures: a cut edge, identity and a convolution per edge.
    c.protocol.space_options = {{"channels", 2}, {"ops", {"none", "skip_connect", "conv_1x1"}}};
    c.protocol.data.synthetic_size = 160;
    c.protocol.data.batch_size = 16;
    c.protocol.data.eval_batch_size = 64;
    c.protocol.data.workers = 0;
    c.protocol.steps = 4;
    c.cost.warmup_steps = 1;
    c.cost.timed_steps = 2;
    return c;
  }
  return absl::NotFoundError(
      absl::StrCat("unknown benchmark table preset '", name, "'; known: fashion_mnist, tiny"));
}

absl::StatusOr<TableConfig> TableConfigFromJson(const Json& j, const std::string& source) {
  if (!j.is_object())
    return absl::InvalidArgumentError(absl::StrCat(source, ": expected a JSON object"));
  std::string preset = "fashion_mnist";
  if (j.contains("preset"))
    NAS_RETURN_IF_ERROR(JsonGet(j["preset"], JsonChildPath(source, "preset"), &preset));
  NAS_ASSIGN_OR_RETURN(TableConfig c,
                       Annotate(TablePreset(preset), JsonChildPath(source, "preset")));
  JsonObjectReader r(j, source);
  std::string unused;
  r.Optional("preset", &unused)
      .Optional("seeds", &c.seeds)
      .Optional("parallel", &c.parallel)
      .Optional("trial_threads", &c.trial_threads)
      .Optional("seed", &c.seed);
  const Json* protocol = r.Member("protocol");
  const Json* cost = r.Member("cost");
  NAS_RETURN_IF_ERROR(r.Finish());
  if (protocol != nullptr) {
    NAS_RETURN_IF_ERROR(
        TrialJobOptionsFromJson(*protocol, JsonChildPath(source, "protocol"), &c.protocol));
  }
  if (cost != nullptr) {
    JsonObjectReader rc(*cost, JsonChildPath(source, "cost"));
    rc.Optional("warmup_steps", &c.cost.warmup_steps).Optional("timed_steps", &c.cost.timed_steps);
    NAS_RETURN_IF_ERROR(rc.Finish());
  }
  auto bad = [&](const char* member, const char* rule) {
    return absl::InvalidArgumentError(
        absl::StrCat(JsonChildPath(source, member), " must be ", rule));
  };
  if (c.seeds < 1 || c.seeds > 100) return bad("seeds", "in [1, 100]");
  if (c.parallel < 1 || c.parallel > 256) return bad("parallel", "in [1, 256]");
  if (c.trial_threads < 1 || c.trial_threads > 256) return bad("trial_threads", "in [1, 256]");
  if (c.cost.warmup_steps < 0 || c.cost.timed_steps < 1)
    return bad("cost", "warmup_steps >= 0 and timed_steps >= 1");
  if (c.protocol.space != kNasbenchSpaceName) return bad("protocol.space", "nasbench_cell");
  if (!c.protocol.test_evaluation)
    return bad("protocol.test_evaluation", "true (the table records test accuracy)");
  return c;
}

Json TableConfigToJson(const TableConfig& c) {
  return {{"preset", c.preset},
          {"protocol", TrialJobOptionsToJson(c.protocol)},
          {"seeds", c.seeds},
          {"parallel", c.parallel},
          {"trial_threads", c.trial_threads},
          {"cost", {{"warmup_steps", c.cost.warmup_steps}, {"timed_steps", c.cost.timed_steps}}},
          {"seed", c.seed}};
}

absl::StatusOr<BenchmarkTable> RunTableJob(const TableConfig& config,
                                           const TableJobOptions& options) {
  const std::string& dir = options.output_dir;
  NAS_RETURN_IF_ERROR(MakeDirs(dir));
  NAS_ASSIGN_OR_RETURN(BuiltSpace built,
                       BuildSpace(config.protocol.space, config.protocol.space_options, 0));
  NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(*built.model));
  NAS_ASSIGN_OR_RETURN(NasbenchSpaceOptions space_options,
                       NasbenchSpaceOptionsFromJson(config.protocol.space_options));
  const std::vector<NasbenchCell> cells = AllNasbenchCells(space_options);
  const std::string protocol_path = JoinPath(dir, "protocol.json");
  NAS_RETURN_IF_ERROR(WriteJsonFile(protocol_path, TrialJobOptionsToJson(config.protocol)));

  // 1. Each architecture's training cost, measured first, alone (and kept
  // for a resumed run).
  const std::string costs_path = JoinPath(dir, "costs.json");
  Json costs = Json::object();
  if (options.resume && FileExists(costs_path)) {
    NAS_ASSIGN_OR_RETURN(costs, ReadJsonFile(costs_path));
  }
  const int threads = at::get_num_threads();
  at::set_num_threads(config.trial_threads);
  for (const NasbenchCell& cell : cells) {
    const std::string name = NasbenchCellString(cell);
    if (costs.contains(name)) continue;
    absl::StatusOr<Cost> cost = MeasureCost(config, NasbenchArchitecture(cell));
    if (!cost.ok()) {
      at::set_num_threads(threads);
      return Annotate(cost.status(), absl::StrCat("timing ", name));
    }
    costs[name] = {{"step_seconds", cost->step_seconds},
                   {"flops", cost->flops},
                   {"parameters", cost->parameters}};
    if (costs.size() % 8 == 0 || costs.size() == cells.size()) {
      absl::Status written = WriteJsonFile(costs_path, costs);  // atomic
      if (!written.ok()) {
        at::set_num_threads(threads);
        return written;
      }
    }
  }
  at::set_num_threads(threads);
  NAS_RETURN_IF_ERROR(WriteJsonFile(costs_path, costs));
  LOG(INFO) << "step costs of " << costs.size() << " architectures in " << costs_path;

  // 2. Every architecture, `seeds` times.
  std::string command = options.trial_command;
  if (command.empty()) {
    NAS_ASSIGN_OR_RETURN(std::string binary, SiblingBinary("trial"));
    command = ShellQuote(binary);
  }
  ProcessEvaluatorOptions trials;
  trials.command = absl::StrCat(command, " --config=", ShellQuote(protocol_path),
                                " --threads=", config.trial_threads);
  trials.trials_dir = JoinPath(dir, "search/trials");
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<ProcessEvaluator> evaluator,
                       ProcessEvaluator::Create(trials));
  NAS_ASSIGN_OR_RETURN(TunerFactory grid, TunerRegistry().Lookup("grid"));
  TunerConfig tuner_config;
  tuner_config.options = {{"repeats", config.seeds}};
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<Tuner> tuner, grid(tuner_config));
  const int64_t architectures = static_cast<int64_t>(cells.size());
  TunerDriverOptions driver;
  driver.output_dir = JoinPath(dir, "search");
  driver.max_trials = architectures * config.seeds;
  driver.parallel = config.parallel;
  driver.resume = options.resume;
  driver.seed = config.seed;
  driver.max_consecutive_failures = 5;
  Json identity = {{"tuner", "grid"},
                   {"seeds", config.seeds},
                   {"protocol", TrialJobOptionsToJson(config.protocol)},
                   {"seed", config.seed}};
  LOG(INFO) << "benchmark table: " << architectures << " architectures x " << config.seeds
            << " seeds, " << config.protocol.steps << " steps each, " << config.parallel
            << " trials at a time";
  NAS_ASSIGN_OR_RETURN(SearchSummary summary,
                       RunSearch(driver, space, identity, tuner.get(), evaluator.get()));

  // 3. The table.
  NAS_ASSIGN_OR_RETURN(std::vector<Json> history, ReadSearchHistory(driver.output_dir));
  std::map<int64_t, Json> proposed;
  std::map<std::string, BenchmarkRow> rows;
  for (const Json& record : history) {
    const std::string event = record.value("event", "");
    if (event == "proposed") proposed[record["trial"].get<int64_t>()] = record["parameters"];
    if (event != "finished" || record.value("status", "") != "succeeded") continue;
    const int64_t id = record["trial"].get<int64_t>();
    NAS_ASSIGN_OR_RETURN(Architecture arch, ArchitectureFromParameters(proposed.at(id), space));
    NAS_ASSIGN_OR_RETURN(NasbenchCell cell, NasbenchCellOf(arch));
    const std::string name = NasbenchCellString(cell);
    BenchmarkRow& row = rows[name];
    if (row.runs.empty()) {
      row.architecture = NasbenchArchitecture(cell);
      row.name = name;
      const Json& cost = costs.at(name);
      row.flops = cost["flops"].get<double>();
      row.parameters = cost["parameters"].get<double>();
      row.train_seconds = cost["step_seconds"].get<double>() * config.protocol.steps;
    }
    const Json& metrics = record["metrics"];
    BenchmarkRun run;
    run.seed = TrialSeed(config.seed, id);
    run.valid_accuracy = record["value"].get<double>();
    run.test_accuracy = metrics.at("test_accuracy").get<double>();
    run.train_loss = metrics.value("train_loss", 0.0);
    row.runs.push_back(run);
  }
  std::vector<BenchmarkRow> ordered;
  std::vector<std::string> missing;
  for (const NasbenchCell& cell : cells) {
    const std::string name = NasbenchCellString(cell);
    auto it = rows.find(name);
    if (it == rows.end() || static_cast<int>(it->second.runs.size()) < config.seeds) {
      missing.push_back(name);
      continue;
    }
    std::sort(it->second.runs.begin(), it->second.runs.end(),
              [](const BenchmarkRun& a, const BenchmarkRun& b) { return a.seed < b.seed; });
    ordered.push_back(it->second);
  }
  if (!missing.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        missing.size(), " architecture(s) lack a successful run per seed (first: ", missing.front(),
        "); see ", trials.trials_dir, "/*/stderr.log"));
  }
  Json header = {{"space", kNasbenchSpaceName},
                 {"space_options", config.protocol.space_options},
                 {"search_space", space.to_json()},
                 {"protocol", TrialJobOptionsToJson(config.protocol)},
                 {"preset", config.preset},
                 {"seeds", config.seeds},
                 {"parallel", config.parallel},
                 {"trial_threads", config.trial_threads},
                 {"train_seconds",
                  "steps x the median time of a training step measured alone with "
                  "trial_threads threads"},
                 {"code_version", options.code_version},
                 {"created", UtcNow()},
                 {"machine", {{"cpu", CpuModel()}, {"cores", UsableCores()}}},
                 {"generation_seconds", summary.elapsed_seconds}};
  NAS_ASSIGN_OR_RETURN(BenchmarkTable table, BenchmarkTable::Create(header, std::move(ordered)));
  NAS_RETURN_IF_ERROR(table.Write(JoinPath(dir, "table.jsonl")));
  LOG(INFO) << "wrote " << JoinPath(dir, "table.jsonl") << ": " << table.rows().size()
            << " architectures";
  return table;
}

}  // namespace nas::nasbench
