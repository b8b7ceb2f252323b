#include "nas/analysis/latency_table.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
#include <utility>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/nn/module.h>
#include <torch/version.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/base/torch/module_device.h"
#include "nas/core/architecture.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/layer_choice.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/mutator.h"
#include "nas/core/uniform_sampling.h"

namespace nas {
namespace {

double Time(const LatencyOptions& options, const std::function<void()>& fn) {
  return options.timer ? options.timer(fn)
                       : MedianMilliseconds(fn, options.warmup, options.repetitions);
}

// Times every candidate of each layer choice on the input it receives, then
// runs the given decisions.
class LatencyProfiler : public Mutator {
 public:
  LatencyProfiler(std::shared_ptr<torch::nn::Module> model, const LatencyOptions& options,
                  std::mt19937_64& rng)
      : Mutator(std::move(model)), options_(options) {
    decisions_ = SampleUniformDecisions(search_space(), rng);
  }
  Decisions sample_search() override { return decisions_; }
  Decisions sample_final() override { return decisions_; }

  ChoiceOutput on_forward_layer_choice(LayerChoiceImpl& choice, const CandidateFn& run) override {
    // A key shared by several choices: their times add up.
    std::vector<double>& times = table_.candidates[choice.key()];
    times.resize(choice.n_candidates(), 0.0);
    for (int64_t i = 0; i < choice.n_candidates(); ++i) {
      times[i] += Time(options_, [&] { run(i); });
    }
    table_.names[choice.key()] = choice.names();
    return Mutator::on_forward_layer_choice(choice, run);
  }

  LatencyTable& table() { return table_; }

 private:
  LatencyOptions options_;
  Decisions decisions_;
  LatencyTable table_;
};

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, "model name")) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos)
        return std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
    }
  }
  return "unknown";
}

absl::Status CheckPositive(const char* name, int64_t value, int64_t least) {
  if (value >= least) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("latency ", name, " must be >= ", least, ", got ", value));
}

}  // namespace

absl::Status ValidateLatencyOptions(const LatencyOptions& o) {
  NAS_RETURN_IF_ERROR(CheckPositive("batch", o.batch, 1));
  NAS_RETURN_IF_ERROR(CheckPositive("warmup", o.warmup, 0));
  return CheckPositive("repetitions", o.repetitions, 1);
}

double MedianMilliseconds(const std::function<void()>& fn, int warmup, int repetitions) {
  for (int i = 0; i < warmup; ++i) fn();
  std::vector<double> ms;
  ms.reserve(repetitions);
  for (int i = 0; i < repetitions; ++i) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::nth_element(ms.begin(), ms.begin() + ms.size() / 2, ms.end());
  return ms[ms.size() / 2];
}

Json MachineKey() {
  return {{"cpu", CpuModel()}, {"threads", at::get_num_threads()}, {"torch", TORCH_VERSION}};
}

absl::StatusOr<double> LatencyTable::predict(const Decisions& decisions) const {
  double total = rest_ms;
  for (const auto& [key, times] : candidates) {
    auto it = decisions.find(key);
    if (it == decisions.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("no decision for the layer choice '", key, "'"));
    }
    const at::Tensor mask = it->second.to(at::kFloat).cpu().contiguous();
    if (mask.dim() != 1 || mask.size(0) != static_cast<int64_t>(times.size())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the decision for '", key, "' has ", mask.numel(), " entries, the table ", times.size()));
    }
    const float* w = mask.data_ptr<float>();
    for (size_t i = 0; i < times.size(); ++i) {
      if (w[i] != 0) total += times[i];
    }
  }
  return total;
}

absl::StatusOr<at::Tensor> LatencyTable::expected(
    const std::map<std::string, at::Tensor>& weights,
    const std::map<std::string, double>& share) const {
  at::Tensor total;
  for (const auto& [key, times] : candidates) {
    auto it = weights.find(key);
    if (it == weights.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("no weights for the layer choice '", key, "'"));
    }
    const at::Tensor& w = it->second;
    if (w.dim() != 1 || w.size(0) != static_cast<int64_t>(times.size())) {
      return absl::InvalidArgumentError(absl::StrCat("the weights of '", key, "' have ", w.numel(),
                                                     " entries, the table ", times.size()));
    }
    const at::Tensor ms = at::tensor(times, at::kDouble).to(w.options());
    at::Tensor term = (w * ms).sum() * (share.count(key) ? share.at(key) : 1.0);
    total = total.defined() ? total + term : term;
  }
  if (!total.defined()) return absl::InvalidArgumentError("the latency table has no layer choice");
  return total + rest_ms;
}

Json LatencyTableToJson(const LatencyTable& table) {
  Json choices = Json::object();
  for (const auto& [key, times] : table.candidates) {
    choices[key] = {{"names", table.names.at(key)}, {"ms", times}};
  }
  return {{"key", table.key}, {"unit", "ms"}, {"rest_ms", table.rest_ms}, {"choices", choices}};
}

absl::StatusOr<LatencyTable> LatencyTableFromJson(const Json& j, const std::string& source) {
  LatencyTable table;
  std::string unit;
  JsonObjectReader r(j, source);
  const Json* key = r.Member("key");
  const Json* choices = r.Member("choices");
  r.Required("unit", &unit).Required("rest_ms", &table.rest_ms);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (key == nullptr || !key->is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(JsonChildPath(source, "key"), ": expected an object"));
  }
  table.key = *key;
  if (unit != "ms") {
    return absl::InvalidArgumentError(
        absl::StrCat(JsonChildPath(source, "unit"), ": expected \"ms\", got \"", unit, "\""));
  }
  const std::string choices_path = JsonChildPath(source, "choices");
  if (choices == nullptr || !choices->is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(choices_path, ": expected an object"));
  }
  for (const auto& [choice, entry] : choices->items()) {
    const std::string path = JsonChildPath(choices_path, choice);
    std::vector<std::string> names;
    std::vector<double> ms;
    JsonObjectReader e(entry, path);
    e.Required("names", &names).Required("ms", &ms);
    NAS_RETURN_IF_ERROR(e.Finish());
    if (names.empty() || names.size() != ms.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": expected as many times as candidates (at least one), got ",
                       names.size(), " names and ", ms.size(), " times"));
    }
    for (size_t i = 0; i < ms.size(); ++i) {
      if (!(ms[i] >= 0)) {
        return absl::InvalidArgumentError(absl::StrCat(
            JsonChildPath(path, "ms"), "[", i, "]: expected milliseconds >= 0, got ", ms[i]));
      }
    }
    table.names[choice] = std::move(names);
    table.candidates[choice] = std::move(ms);
  }
  return table;
}

absl::Status WriteLatencyTable(const std::string& path, const LatencyTable& table) {
  return WriteJsonFile(path, LatencyTableToJson(table));
}

absl::StatusOr<LatencyTable> ReadLatencyTable(const std::string& path) {
  NAS_ASSIGN_OR_RETURN(Json j, ReadJsonFile(path));
  return LatencyTableFromJson(j, path + ": $");
}

absl::StatusOr<LatencyTable> MeasureLatencyTable(const SpaceMaker& make, const Json& key,
                                                 const LatencyOptions& options) {
  NAS_RETURN_IF_ERROR(ValidateLatencyOptions(options));
  LatencyTable table;
  Decisions path;
  at::Tensor input;
  NAS_RETURN_IF_ERROR(CatchExceptions([&]() -> absl::Status {
    NAS_ASSIGN_OR_RETURN(BuiltSpace supernet, make());
    supernet.model->eval();
    std::vector<int64_t> shape = {options.batch};
    shape.insert(shape.end(), supernet.input_shape.begin(), supernet.input_shape.end());
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    input = at::randn(shape, generator).to(DeviceOf(*supernet.model));
    std::mt19937_64 rng(options.seed);
    LatencyProfiler profiler(supernet.model, options, rng);
    profiler.reset();
    at::NoGradGuard no_grad;
    supernet.forward(input);
    table = std::move(profiler.table());
    path = profiler.decisions();
    return absl::OkStatus();
  }));
  if (table.candidates.empty()) {
    return absl::InvalidArgumentError("the space has no layer choice: nothing to tabulate");
  }
  // The rest: a whole child of the same path, minus its candidates.
  NAS_RETURN_IF_ERROR(CatchExceptions([&]() -> absl::Status {
    NAS_ASSIGN_OR_RETURN(BuiltSpace child, make());
    NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(*child.model));
    NAS_RETURN_IF_ERROR(
        ApplyFixedArchitecture(*child.model, Architecture::from_decisions(path, space)));
    child.model->eval();
    at::NoGradGuard no_grad;
    const double whole = Time(options, [&] { child.forward(input); });
    table.rest_ms = 0;
    NAS_ASSIGN_OR_RETURN(double choices, table.predict(path));
    table.rest_ms = std::max(0.0, whole - choices);
    return absl::OkStatus();
  }));
  table.key = key;
  table.key["batch"] = options.batch;
  table.key["machine"] = MachineKey();
  return table;
}

absl::StatusOr<LatencyTable> LoadOrMeasureLatencyTable(const std::string& path,
                                                       const SpaceMaker& make, const Json& key,
                                                       const LatencyOptions& options) {
  Json wanted = key;
  wanted["batch"] = options.batch;
  wanted["machine"] = MachineKey();
  if (FileExists(path)) {
    NAS_ASSIGN_OR_RETURN(
        LatencyTable cached,
        Annotate(ReadLatencyTable(path), "not a latency table (remove it to measure again)"));
    if (cached.key == wanted) {
      LOG(INFO) << "latency table: " << path << " (cached, same machine, space and batch)";
      return cached;
    }
    LOG(INFO) << "latency table: " << path << " was measured for another key (" << cached.key.dump()
              << "); measuring again";
  }
  NAS_ASSIGN_OR_RETURN(LatencyTable table, MeasureLatencyTable(make, key, options));
  NAS_RETURN_IF_ERROR(WriteLatencyTable(path, table));
  return table;
}

}  // namespace nas
