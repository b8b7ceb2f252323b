// ClassifierTrainer: trains a fixed network (every choice decided) on
// cross-entropy with SGD, on the trainer base (trainer.h: checkpoints and
// exact resume, logs, bf16 / fp16, data parallelism). It is the retraining
// step of the packages and the training of a trial program; a package with
// a special recipe (DARTS's auxiliary head and drop-path) derives from it
// and overrides loss().
//
// | option           | default | meaning                                      |
// |------------------|---------|----------------------------------------------|
// | lr               | 0.05    | initial learning rate, > 0                   |
// | min_lr           | 0       | final learning rate, in [0, lr]              |
// | schedule         | cosine  | cosine (per epoch, to min_lr), cosine_steps  |
// |                  |         | (per step, to min_lr), linear_steps (per     |
// |                  |         | step, to 0: SPOS), constant                  |
// | momentum         | 0.9     | SGD momentum, >= 0                           |
// | nesterov         | false   | Nesterov momentum                            |
// | weight_decay     | 1e-4    | >= 0                                         |
// | decay_conv_only  | false   | decay conv / FC weights only, not BN and     |
// |                  |         | biases (weight_decay.h)                      |
// | grad_clip        | 0       | global gradient-norm clip (0 = none)         |
// | label_smoothing  | 0       | in [0, 1)                                    |
//
// Step schedules run over min(epochs x batches per epoch, max_steps) steps.
// Training metrics: loss, accuracy; validation (on `valid`, when given):
// loss, accuracy.
#ifndef NAS_TRAIN_CLASSIFIER_TRAINER_H_
#define NAS_TRAIN_CLASSIFIER_TRAINER_H_

#include <memory>
#include <string>

#include <torch/optim/sgd.h>

#include "absl/status/status.h"
#include "nas/base/json.h"
#include "nas/core/space_registry.h"
#include "nas/train/trainer.h"

namespace nas {

struct ClassifierTrainerOptions {
  double lr = 0.05;
  double min_lr = 0;
  std::string schedule = "cosine";
  double momentum = 0.9;
  bool nesterov = false;
  double weight_decay = 1e-4;
  bool decay_conv_only = false;
  double grad_clip = 0;
  double label_smoothing = 0;
};

// Members present in `j` over `*out`, strictly, then validated.
absl::Status ClassifierTrainerOptionsFromJson(const Json& j, const std::string& path,
                                              ClassifierTrainerOptions* out);
Json ClassifierTrainerOptionsToJson(const ClassifierTrainerOptions& options);

class ClassifierTrainer : public Trainer {
 public:
  // `options` must be valid (FromJson checks them); `valid` may be null.
  ClassifierTrainer(TrainerOptions trainer_options, ClassifierTrainerOptions options,
                    BuiltSpace model, BatchSource* train, BatchSource* valid,
                    Distributed* distributed = nullptr);

  const BuiltSpace& model_space() const { return model_; }

 protected:
  Metrics train_step(const Batch& batch) override;
  Metrics validate(int64_t epoch) override;
  // The training loss of a batch (under autocast); the default is
  // cross-entropy (with label smoothing) of model.forward(data). `logits`
  // receives the logits the accuracy is computed from.
  virtual at::Tensor loss(const Batch& batch, at::Tensor* logits);

  const ClassifierTrainerOptions& classifier_options() const { return options_; }
  BatchSource* valid_source() const { return valid_; }

 private:
  ClassifierTrainerOptions options_;
  BuiltSpace model_;
  BatchSource* valid_;
  std::unique_ptr<torch::optim::SGD> sgd_;
};

}  // namespace nas

#endif  // NAS_TRAIN_CLASSIFIER_TRAINER_H_
