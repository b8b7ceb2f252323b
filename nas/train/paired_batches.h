// PairedBatches: the batches of a second source that pair with the training
// batches, as bilevel searches need (DARTS's architecture step, GDAS's
// logits step): training batch t of epoch e gets batch t of epoch e of the
// second source, wrapping when that source is shorter. The batches depend
// only on (epoch, index), so a resumed run sees the same pairs.
//
//   nas::PairedBatches arch(arch_source, "the architecture data", train_source);
//   Batch a = arch.at(batch.epoch, batch.index, device());
//   ...
//   arch.invalidate();   // after something else read arch_source
#ifndef NAS_TRAIN_PAIRED_BATCHES_H_
#define NAS_TRAIN_PAIRED_BATCHES_H_

#include <cstdint>
#include <string>

#include <c10/core/Device.h>

#include "nas/train/batch_source.h"

namespace nas {

class PairedBatches {
 public:
  // `source` must outlive this, have batches and not be `training`, the
  // source the training batches come from (one cursor cannot stand at two
  // batches: pass a second source over the same data). Throws c10::Error
  // naming `what` otherwise, e.g. "DartsTrainer's architecture data".
  PairedBatches(BatchSource* source, const std::string& what, const BatchSource* training);

  // The batch pairing with training batch `index` of `epoch`, on `device`.
  // Reads on without restarting the source when the previous call left it
  // at that batch.
  Batch at(int64_t epoch, int64_t index, const c10::Device& device);

  // The source was read by someone else (validation, BN recalibration): the
  // next at() restarts it at the right batch.
  void invalidate() { epoch_ = -1; }

  // The paired source itself (for other readers, who then invalidate()).
  BatchSource& source() const { return *source_; }

 private:
  BatchSource* source_;
  int64_t epoch_ = -1;
  int64_t next_ = -1;
};

}  // namespace nas

#endif  // NAS_TRAIN_PAIRED_BATCHES_H_
