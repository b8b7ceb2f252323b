#include "nas/export/export_model.h"

#include <algorithm>
#include <utility>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/Dict.h>
#include <torch/nn/module.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nas/base/file.h"
#include "nas/base/status.h"
#include "nas/base/torch/module_device.h"
#include "nas/export/state_dict.h"

namespace nas {
namespace {

// The C++ model's output in eval mode without gradients; the model's mode
// is restored whatever happens.
absl::StatusOr<at::Tensor> RunModel(torch::nn::Module& model, const ModelForward& forward,
                                    const at::Tensor& input) {
  const bool training = model.is_training();
  model.eval();
  at::Tensor output;
  absl::Status status = CatchExceptions([&] {
    at::NoGradGuard no_grad;
    output = forward(input);
    return absl::OkStatus();
  });
  model.train(training);
  NAS_RETURN_IF_ERROR(Annotate(status, "running the C++ model"));
  return output;
}

}  // namespace

Json ExportReportToJson(const ExportReport& report) {
  Json json = {{"input_shape", report.input_shape},
               {"checked_batches", report.checked_batches},
               {"max_abs_difference", report.max_abs_difference},
               {"tensors", report.tensors},
               {"parameters", report.parameters},
               {"files", {kTorchScriptFile, kStateDictFile, kReferenceFile}}};
  for (const auto& [key, value] : report.extra.items()) json[key] = value;
  return json;
}

absl::StatusOr<ExportReport> ExportModel(torch::nn::Module& model, const ModelForward& forward,
                                         const std::vector<int64_t>& sample_shape,
                                         const std::string& dir, const ExportOptions& options) {
  if (options.batch < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("the export batch must be >= 1, got ", options.batch));
  }
  if (!(options.tolerance >= 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the export tolerance must be >= 0, got ", options.tolerance));
  }
  const at::Device device = DeviceOf(model);
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
  auto input = [&](int64_t batch) {
    std::vector<int64_t> shape = {batch};
    shape.insert(shape.end(), sample_shape.begin(), sample_shape.end());
    return at::randn(shape, generator).to(device);
  };

  ExportReport report;
  at::Tensor example = input(options.batch);
  report.input_shape = example.sizes().vec();
  NAS_ASSIGN_OR_RETURN(torch::jit::Module scripted, TraceToTorchScript(model, forward, example));
  NAS_ASSIGN_OR_RETURN(std::string bytes, SerializeTorchScript(scripted));
  NAS_ASSIGN_OR_RETURN(torch::jit::Module reloaded,
                       LoadTorchScriptBytes(bytes, "the exported TorchScript"));

  // The traced batch and another one: a size baked into the trace shows.
  report.checked_batches = {options.batch, options.batch + 1};
  c10::Dict<std::string, at::Tensor> reference;
  for (int64_t batch : report.checked_batches) {
    at::Tensor x = batch == options.batch ? example : input(batch);
    NAS_ASSIGN_OR_RETURN(at::Tensor expected, RunModel(model, forward, x));
    absl::StatusOr<at::Tensor> actual = RunTorchScript(reloaded, x);
    if (!actual.ok() || !actual->sizes().equals(expected.sizes())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the exported TorchScript does not run like the model at batch ", batch,
          actual.ok() ? absl::StrCat(": output shape [", absl::StrJoin(actual->sizes(), ", "),
                                     "] instead of [", absl::StrJoin(expected.sizes(), ", "), "]")
                      : absl::StrCat(" (", actual.status().message(), ")"),
          "; the model's forward turns a size of its input into a constant (e.g. "
          "x.view({x.size(0), ...}); write x.flatten(1) or view({-1, ...}))"));
    }
    const double difference =
        (expected.to(at::kDouble) - actual->to(at::kDouble)).abs().max().item<double>();
    report.max_abs_difference = std::max(report.max_abs_difference, difference);
    reference.insert_or_assign("input", x.cpu());
    reference.insert_or_assign("output", expected.cpu());
  }
  if (report.max_abs_difference > options.tolerance) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the exported TorchScript computes differently from the model: largest absolute "
        "difference ",
        report.max_abs_difference, " > ", options.tolerance,
        " (the forward depends on something a trace cannot record: data-dependent control flow, "
        "randomness in eval mode, state kept between calls)"));
  }
  const NamedTensors state = StateDictOf(model);
  report.tensors = static_cast<int64_t>(state.size());
  for (const at::Tensor& p : model.parameters()) report.parameters += p.numel();

  NAS_RETURN_IF_ERROR(WriteFileAtomically(JoinPath(dir, kTorchScriptFile), bytes));
  NAS_RETURN_IF_ERROR(SavePythonStateDict(model, JoinPath(dir, kStateDictFile)));
  const std::vector<char> reference_bytes = TorchSaveBytes(reference);
  NAS_RETURN_IF_ERROR(WriteFileAtomically(
      JoinPath(dir, kReferenceFile), std::string(reference_bytes.begin(), reference_bytes.end())));
  report.extra = options.extra;
  NAS_RETURN_IF_ERROR(WriteJsonFile(JoinPath(dir, kExportReportFile), ExportReportToJson(report)));
  return report;
}

}  // namespace nas
