// What a trainer reads its data from: numbered batches per epoch, resumable
// at any batch. datasets::DataLoader implements it; so can any user loader.
#ifndef NAS_TRAIN_BATCH_SOURCE_H_
#define NAS_TRAIN_BATCH_SOURCE_H_

#include <cstdint>
#include <optional>

#include <ATen/core/Tensor.h>

namespace nas {

struct Batch {
  at::Tensor data;
  at::Tensor target;
  int64_t epoch = 0;
  int64_t index = 0;  // batch index within the epoch
};

class BatchSource {
 public:
  virtual ~BatchSource() = default;
  virtual int64_t batches_per_epoch() const = 0;
  // Begins epoch `epoch` at batch `start_batch`; the batches must depend
  // only on (epoch, index), so that a resumed run sees the same data.
  virtual void start_epoch(int64_t epoch, int64_t start_batch = 0) = 0;
  // The next batch of the epoch, or nullopt at its end.
  virtual std::optional<Batch> next() = 0;
};

}  // namespace nas

#endif  // NAS_TRAIN_BATCH_SOURCE_H_
