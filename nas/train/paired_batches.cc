#include "nas/train/paired_batches.h"

#include <optional>
#include <utility>

#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>

namespace nas {

PairedBatches::PairedBatches(BatchSource* source, const std::string& what,
                             const BatchSource* training)
    : source_(source) {
  TORCH_CHECK(source_ != nullptr && source_->batches_per_epoch() > 0, what, " has no batches");
  TORCH_CHECK(source_ != training, what,
              " is the training source itself; pass a second source (over the same data if "
              "that is the intent): one source cannot be read at two batches at once");
}

Batch PairedBatches::at(int64_t epoch, int64_t index, const c10::Device& device) {
  const int64_t wanted = index % source_->batches_per_epoch();
  if (epoch != epoch_ || wanted != next_) source_->start_epoch(epoch, wanted);
  std::optional<Batch> batch = source_->next();
  TORCH_CHECK(batch.has_value(), "the paired data ran out at batch ", wanted, " of epoch ", epoch);
  epoch_ = epoch;
  next_ = wanted + 1;
  batch->data = batch->data.to(device);
  batch->target = batch->target.to(device);
  return *std::move(batch);
}

}  // namespace nas
