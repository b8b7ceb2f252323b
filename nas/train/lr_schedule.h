// Learning-rate schedules as pure functions of the training position, so a
// resumed run gets exactly the learning rate it would have had (there is no
// scheduler state to save). The trainer sets the rate of the optimizer's
// parameter groups before every step.
//
// | schedule              | lr at (epoch e, step s of S per epoch)            |
// |-----------------------|---------------------------------------------------|
// | ConstantLr(lr)        | lr                                                |
// | CosineLr(lr, min, E)  | per epoch: min + (lr - min)(1 + cos(pi e / E)) / 2 |
// | LinearDecayLr(lr, T)  | per step: lr * (1 - t / T), t = e * S + s (SPOS)  |
// | CosineStepsLr(lr,m,T) | per step: m + (lr - m)(1 + cos(pi t / T)) / 2     |
// | StepLr(lr, k, gamma)  | per epoch: lr * gamma^floor(e / k)                |
#ifndef NAS_TRAIN_LR_SCHEDULE_H_
#define NAS_TRAIN_LR_SCHEDULE_H_

#include <cstdint>
#include <functional>
#include <memory>

namespace torch::optim {
class Optimizer;
}

namespace nas {

class LrSchedule {
 public:
  virtual ~LrSchedule() = default;
  // `step` counts from 0 within `epoch`; `steps_per_epoch` > 0.
  virtual double lr(int64_t epoch, int64_t step, int64_t steps_per_epoch) const = 0;
};

std::shared_ptr<LrSchedule> ConstantLr(double lr);
std::shared_ptr<LrSchedule> CosineLr(double lr, double min_lr, int64_t epochs);
std::shared_ptr<LrSchedule> LinearDecayLr(double lr, int64_t total_steps);
std::shared_ptr<LrSchedule> CosineStepsLr(double lr, double min_lr, int64_t total_steps);
std::shared_ptr<LrSchedule> StepLr(double lr, int64_t every_epochs, double gamma);

// Sets the learning rate of every parameter group (SGD, Adam, AdamW,
// RMSprop, Adagrad).
void SetLearningRate(torch::optim::Optimizer& optimizer, double lr);
double GetLearningRate(torch::optim::Optimizer& optimizer);

}  // namespace nas

#endif  // NAS_TRAIN_LR_SCHEDULE_H_
