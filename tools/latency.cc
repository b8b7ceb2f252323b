#include "tools/latency.h"

#include <cmath>
#include <random>
#include <vector>

#include <torch/nn/module.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nas/analysis/latency_budget.h"
#include "nas/analysis/ranking.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/core/architecture.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/uniform_sampling.h"
#include "nas/export/torchscript.h"

namespace nas::tools {
namespace {

double Pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  double ma = 0, mb = 0;
  for (size_t i = 0; i < a.size(); ++i) ma += a[i] / n, mb += b[i] / n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0;
}

struct Whole {
  double torchscript_ms = 0;
  double cpp_ms = 0;
};

// One architecture measured whole: its TorchScript export and its C++ model.
absl::StatusOr<Whole> MeasureWhole(const SpaceFactory& factory, const Json& space_options,
                                   const Decisions& decisions, const LatencyOptions& o) {
  NAS_ASSIGN_OR_RETURN(BuiltSpace built, factory(space_options));
  NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(*built.model));
  NAS_RETURN_IF_ERROR(
      ApplyFixedArchitecture(*built.model, Architecture::from_decisions(decisions, space)));
  built.model->eval();
  std::vector<int64_t> shape = {o.batch};
  shape.insert(shape.end(), built.input_shape.begin(), built.input_shape.end());
  const at::Tensor x = torch::randn(shape);
  NAS_ASSIGN_OR_RETURN(torch::jit::Module scripted,
                       TraceToTorchScript(*built.model, built.forward, x));
  Whole whole;
  at::NoGradGuard no_grad;
  whole.torchscript_ms =
      MedianMilliseconds([&] { (void)RunTorchScript(scripted, x); }, o.warmup, o.repetitions);
  whole.cpp_ms = MedianMilliseconds([&] { built.forward(x); }, o.warmup, o.repetitions);
  return whole;
}

}  // namespace

absl::StatusOr<Json> RunLatency(const LatencyToolOptions& o) {
  if (o.space.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--space is required; registered: ",
                                                   absl::StrJoin(SpaceRegistry().Names(), ", ")));
  }
  if (o.check < 0)
    return absl::InvalidArgumentError(absl::StrCat("--check must be >= 0, got ", o.check));
  NAS_RETURN_IF_ERROR(ValidateLatencyOptions(o.latency));
  NAS_ASSIGN_OR_RETURN(SpaceFactory factory, SpaceRegistry().Lookup(o.space));
  // Bad options fail here, before any timing; the space's choices for
  // --architecture and --check.
  NAS_ASSIGN_OR_RETURN(BuiltSpace probe, factory(o.space_options));
  NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(*probe.model));
  SpaceMaker make = [&] { return factory(o.space_options); };
  const Json key = {{"space", o.space}, {"space_options", o.space_options}};
  LatencyTable table;
  if (o.table.empty()) {
    NAS_ASSIGN_OR_RETURN(table, MeasureLatencyTable(make, key, o.latency));
  } else {
    NAS_ASSIGN_OR_RETURN(table, LoadOrMeasureLatencyTable(o.table, make, key, o.latency));
  }
  Json report = {{"space", o.space}, {"key", table.key}, {"rest_ms", table.rest_ms}};
  if (!o.table.empty()) report["table"] = o.table;
  const auto [fastest, slowest] = PredictedBounds(table);
  report["predicted_range_ms"] = {fastest, slowest};

  if (!o.architecture.empty()) {
    NAS_ASSIGN_OR_RETURN(Architecture arch, ReadArchitecture(o.architecture));
    NAS_ASSIGN_OR_RETURN(Decisions decisions, Annotate(arch.resolve(space), o.architecture));
    NAS_ASSIGN_OR_RETURN(double ms, table.predict(decisions));
    report["architecture"] = {{"file", o.architecture}, {"predicted_ms", ms}};
  }
  if (o.check > 0) {
    std::mt19937_64 rng(o.latency.seed + 1);
    std::vector<double> predicted, exported, cpp;
    Json rows = Json::array();
    for (int i = 0; i < o.check; ++i) {
      Decisions decisions = SampleUniformDecisions(space, rng);
      NAS_ASSIGN_OR_RETURN(double p, table.predict(decisions));
      NAS_ASSIGN_OR_RETURN(Whole whole,
                           Annotate(MeasureWhole(factory, o.space_options, decisions, o.latency),
                                    absl::StrCat("checked architecture ", i)));
      predicted.push_back(p);
      exported.push_back(whole.torchscript_ms);
      cpp.push_back(whole.cpp_ms);
      LOG(INFO) << "latency check " << i + 1 << "/" << o.check << ": predicted " << p
                << " ms, TorchScript " << whole.torchscript_ms << " ms, C++ " << whole.cpp_ms
                << " ms";
      rows.push_back({{"predicted_ms", p},
                      {"torchscript_ms", whole.torchscript_ms},
                      {"cpp_ms", whole.cpp_ms},
                      {"architecture", Architecture::from_decisions(decisions, space).to_json()}});
    }
    auto summary = [&](const std::vector<double>& measured) -> absl::StatusOr<Json> {
      double abs_error = 0, rel_error = 0;
      for (size_t i = 0; i < measured.size(); ++i) {
        abs_error += std::abs(predicted[i] - measured[i]) / measured.size();
        rel_error += std::abs(predicted[i] - measured[i]) / measured[i] / measured.size();
      }
      Json s = {{"pearson_r", Pearson(predicted, measured)},
                {"mean_abs_error_ms", abs_error},
                {"mean_relative_error", rel_error}};
      if (measured.size() >= 2) {
        NAS_ASSIGN_OR_RETURN(double tau, KendallTau(predicted, measured));
        s["kendall_tau"] = tau;
      }
      return s;
    };
    NAS_ASSIGN_OR_RETURN(Json vs_exported, summary(exported));
    NAS_ASSIGN_OR_RETURN(Json vs_cpp, summary(cpp));
    report["check"] = {
        {"architectures", rows}, {"vs_torchscript", vs_exported}, {"vs_cpp_model", vs_cpp}};
  }
  return report;
}

}  // namespace nas::tools
