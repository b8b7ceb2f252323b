#include "nas/train/loss_scaler.h"

#include <ATen/ATen.h>

namespace nas {

LossScaler::LossScaler(LossScalerOptions options) : options_(options), scale_(options.init_scale) {}

at::Tensor LossScaler::scale(const at::Tensor& loss) const { return loss * scale_; }

bool LossScaler::unscale(const std::vector<at::Tensor>& grads) const {
  for (const auto& g : grads) {
    if (!at::isfinite(g).all().item<bool>()) return false;
  }
  for (const auto& g : grads) g.div_(scale_);
  return true;
}

void LossScaler::update(bool finite) {
  if (!finite) {
    scale_ *= options_.backoff_factor;
    good_steps_ = 0;
    return;
  }
  if (++good_steps_ >= options_.growth_interval) {
    scale_ *= options_.growth_factor;
    good_steps_ = 0;
  }
}

void LossScaler::set_state(double scale, int64_t good_steps) {
  scale_ = scale;
  good_steps_ = good_steps;
}

}  // namespace nas
