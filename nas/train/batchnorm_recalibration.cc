#include "nas/train/batchnorm_recalibration.h"

#include <optional>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "nas/base/status.h"
#include "nas/base/torch/module_device.h"

namespace nas {
namespace {

// Applies `fn` to the options and the module of every BatchNorm.
template <typename Fn>
void ForEachBatchNorm(torch::nn::Module& model, Fn fn) {
  for (const auto& module : model.modules(/*include_self=*/true)) {
    if (auto* bn = module->as<torch::nn::BatchNorm1d>()) fn(bn->options, *bn);
    if (auto* bn = module->as<torch::nn::BatchNorm2d>()) fn(bn->options, *bn);
    if (auto* bn = module->as<torch::nn::BatchNorm3d>()) fn(bn->options, *bn);
  }
}

}  // namespace

int64_t CountBatchNorms(torch::nn::Module& model) {
  int64_t n = 0;
  ForEachBatchNorm(model, [&](auto&, auto&) { ++n; });
  return n;
}

absl::StatusOr<int64_t> RecalibrateBatchNorm(
    torch::nn::Module& model, const std::function<at::Tensor(const at::Tensor&)>& forward,
    BatchSource& source, int64_t batches, int64_t epoch) {
  if (batches < 1) return absl::InvalidArgumentError("batch-norm recalibration needs >= 1 batch");
  std::vector<c10::optional<double>> momenta;
  ForEachBatchNorm(model, [&](auto& options, auto& bn) {
    momenta.push_back(options.momentum());
    options.momentum(c10::nullopt);  // cumulative average
    if (options.track_running_stats()) bn.reset_running_stats();
  });
  bool was_training = model.is_training();
  model.train();
  int64_t used = 0;
  const at::Device device = DeviceOf(model);
  absl::Status status = CatchExceptions([&] {
    torch::NoGradGuard no_grad;
    source.start_epoch(epoch);
    while (used < batches) {
      std::optional<Batch> batch = source.next();
      if (!batch) break;
      forward(batch->data.to(device));
      ++used;
    }
    return absl::OkStatus();
  });
  size_t i = 0;
  ForEachBatchNorm(model, [&](auto& options, auto&) { options.momentum(momenta[i++]); });
  model.train(was_training);
  NAS_RETURN_IF_ERROR(Annotate(status, "batch-norm recalibration"));
  if (used == 0)
    return absl::InvalidArgumentError("batch-norm recalibration: the data source is empty");
  return used;
}

}  // namespace nas
