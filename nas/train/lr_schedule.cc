#include "nas/train/lr_schedule.h"

#include <algorithm>
#include <cmath>

#include <c10/util/Exception.h>
#include <torch/optim.h>

namespace nas {
namespace {

class FnSchedule : public LrSchedule {
 public:
  explicit FnSchedule(std::function<double(int64_t, int64_t, int64_t)> fn) : fn_(std::move(fn)) {}
  double lr(int64_t epoch, int64_t step, int64_t steps_per_epoch) const override {
    return fn_(epoch, step, steps_per_epoch);
  }

 private:
  std::function<double(int64_t, int64_t, int64_t)> fn_;
};

}  // namespace

std::shared_ptr<LrSchedule> ConstantLr(double lr) {
  return std::make_shared<FnSchedule>([lr](int64_t, int64_t, int64_t) { return lr; });
}

std::shared_ptr<LrSchedule> CosineLr(double lr, double min_lr, int64_t epochs) {
  TORCH_CHECK(epochs > 0, "CosineLr: epochs must be > 0");
  return std::make_shared<FnSchedule>([=](int64_t e, int64_t, int64_t) {
    return min_lr + (lr - min_lr) * (1 + std::cos(M_PI * std::min(e, epochs) / epochs)) / 2;
  });
}

std::shared_ptr<LrSchedule> LinearDecayLr(double lr, int64_t total_steps) {
  TORCH_CHECK(total_steps > 0, "LinearDecayLr: total_steps must be > 0");
  return std::make_shared<FnSchedule>([=](int64_t e, int64_t s, int64_t per_epoch) {
    double t = static_cast<double>(e * per_epoch + s);
    return lr * std::max(0.0, 1.0 - t / total_steps);
  });
}

std::shared_ptr<LrSchedule> CosineStepsLr(double lr, double min_lr, int64_t total_steps) {
  TORCH_CHECK(total_steps > 0, "CosineStepsLr: total_steps must be > 0");
  return std::make_shared<FnSchedule>([=](int64_t e, int64_t s, int64_t per_epoch) {
    double t = std::min(static_cast<double>(e * per_epoch + s), static_cast<double>(total_steps));
    return min_lr + (lr - min_lr) * (1 + std::cos(M_PI * t / total_steps)) / 2;
  });
}

std::shared_ptr<LrSchedule> StepLr(double lr, int64_t every_epochs, double gamma) {
  TORCH_CHECK(every_epochs > 0, "StepLr: every_epochs must be > 0");
  return std::make_shared<FnSchedule>([=](int64_t e, int64_t, int64_t) {
    return lr * std::pow(gamma, static_cast<double>(e / every_epochs));
  });
}

void SetLearningRate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

double GetLearningRate(torch::optim::Optimizer& optimizer) {
  return optimizer.param_groups().at(0).options().get_lr();
}

}  // namespace nas
