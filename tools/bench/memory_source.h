// Pre-made batches for benchmarks and checks: `steps` batches in one epoch,
// cycling through a few distinct random tensors (images of `shape`, targets
// of `classes` classes), so that loading is not what is measured.
//
//   nas::bench::MemorySource source(/*steps=*/20, /*batch=*/64, /*seed=*/0);
//   trainer.fit();  // on &source
#ifndef TOOLS_BENCH_MEMORY_SOURCE_H_
#define TOOLS_BENCH_MEMORY_SOURCE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "nas/train/batch_source.h"

namespace nas::bench {

class MemorySource : public BatchSource {
 public:
  MemorySource(int64_t steps, int64_t batch, uint64_t seed,
               std::vector<int64_t> shape = {1, 28, 28}, int64_t classes = 10, int distinct = 4)
      : steps_(steps) {
    at::Generator generator = at::detail::createCPUGenerator(seed);
    std::vector<int64_t> sizes = {batch};
    sizes.insert(sizes.end(), shape.begin(), shape.end());
    for (int i = 0; i < distinct; ++i) {
      data_.push_back(at::randn(sizes, generator));
      target_.push_back(at::randint(classes, {batch}, generator));
    }
  }
  int64_t batches_per_epoch() const override { return steps_; }
  void start_epoch(int64_t epoch, int64_t start) override { next_ = start; }
  std::optional<Batch> next() override {
    if (next_ >= steps_) return std::nullopt;
    Batch b;
    b.data = data_[next_ % data_.size()];
    b.target = target_[next_ % target_.size()];
    b.index = next_++;
    return b;
  }

 private:
  int64_t steps_;
  std::vector<at::Tensor> data_, target_;
  int64_t next_ = 0;
};

}  // namespace nas::bench

#endif  // TOOLS_BENCH_MEMORY_SOURCE_H_
