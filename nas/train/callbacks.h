// Ready-made trainer callbacks (trainer.h). Both write on rank 0 only and
// atomically.
//
//   trainer.add_callback(std::make_shared<ArchitectureCheckpoint>(&mutator, dir));
//   trainer.add_callback(std::make_shared<ModelCheckpoint>(dir));
#ifndef NAS_TRAIN_CALLBACKS_H_
#define NAS_TRAIN_CALLBACKS_H_

#include <string>

#include "nas/train/trainer.h"

namespace nas {

// After every epoch: the mutator's export as <dir>/arch_epoch_<NNN>.json,
// and <dir>/arch_latest.json.
class ArchitectureCheckpoint : public Callback {
 public:
  ArchitectureCheckpoint(Mutator* mutator, std::string dir);
  void on_epoch_end(Trainer& trainer, int64_t epoch, const Metrics& metrics) override;

 private:
  Mutator* mutator_;
  std::string dir_;
};

// After every epoch: the model's weights (SaveWeights format) as
// <dir>/model_epoch_<NNN>.pt and <dir>/model_latest.pt.
class ModelCheckpoint : public Callback {
 public:
  explicit ModelCheckpoint(std::string dir);
  void on_epoch_end(Trainer& trainer, int64_t epoch, const Metrics& metrics) override;

 private:
  std::string dir_;
};

}  // namespace nas

#endif  // NAS_TRAIN_CALLBACKS_H_
