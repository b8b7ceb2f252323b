// Dynamic loss scaling for fp16 training (what torch.cuda.amp.GradScaler
// does): the loss is multiplied by `scale` before backward so small fp16
// gradients do not flush to zero; before the optimizer step the gradients
// are divided by it again. A step whose gradients hold inf/NaN is skipped
// and the scale halved; after `growth_interval` good steps it doubles.
//
// | option          | default | meaning                           |
// |-----------------|---------|-----------------------------------|
// | init_scale      | 65536   | first scale                       |
// | growth_factor   | 2       | scale *= this after good steps    |
// | backoff_factor  | 0.5     | scale *= this after an overflow   |
// | growth_interval | 2000    | good steps between growths        |
#ifndef NAS_TRAIN_LOSS_SCALER_H_
#define NAS_TRAIN_LOSS_SCALER_H_

#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

namespace nas {

struct LossScalerOptions {
  double init_scale = 65536.0;
  double growth_factor = 2.0;
  double backoff_factor = 0.5;
  int64_t growth_interval = 2000;
};

class LossScaler {
 public:
  explicit LossScaler(LossScalerOptions options = {});

  at::Tensor scale(const at::Tensor& loss) const;

  // Divides the gradients by the scale; returns false (and leaves them
  // alone) when any is inf or NaN: the step must be skipped.
  bool unscale(const std::vector<at::Tensor>& grads) const;

  // After each step: `finite` is unscale()'s answer.
  void update(bool finite);

  double current_scale() const { return scale_; }
  int64_t good_steps() const { return good_steps_; }
  // For checkpoints.
  void set_state(double scale, int64_t good_steps);

 private:
  LossScalerOptions options_;
  double scale_;
  int64_t good_steps_ = 0;
};

}  // namespace nas

#endif  // NAS_TRAIN_LOSS_SCALER_H_
