// DataLoader: batches of an in-memory ImageDataset, shuffled per epoch,
// transformed by background workers and prefetched.
//
//   DataLoader loader(train, LoaderOptions().batch_size(128).workers(2));
//   for (int64_t epoch = 0; epoch < epochs; ++epoch) {
//     loader.start_epoch(epoch);
//     while (auto batch = loader.next()) { ... batch->data, batch->target ... }
//   }
//
// Deterministic: the order of epoch e is a permutation seeded by (seed, e)
// and batch i's transforms are seeded by (seed, e, i), so the batches do not
// depend on the number of workers, and start_epoch(e, i) resumes exactly at
// batch i (a checkpoint stores (e, i)).
//
// | option     | default | meaning                                        |
// |------------|---------|------------------------------------------------|
// | batch_size | 64      | examples per batch                             |
// | shuffle    | true    | a new order each epoch (false: dataset order)  |
// | drop_last  | false   | drop the last, smaller batch                   |
// | workers    | 2       | background threads (0 = on the caller's thread)|
// | prefetch   | 4       | batches prepared ahead of the consumer         |
// | seed       | 0       | order and transform seed                       |
// | rank       | 0       | this process's shard (data parallelism)        |
// | world_size | 1       | shards; each global batch holds batch_size x   |
// |            |         | world_size examples, rank r gets the r-th      |
// |            |         | slice; an incomplete last global batch is      |
// |            |         | dropped so every rank steps equally often      |
#ifndef DATASETS_LOADER_H_
#define DATASETS_LOADER_H_

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include "datasets/image_dataset.h"
#include "datasets/transforms.h"
#include "nas/train/batch_source.h"

namespace nas::datasets {

struct LoaderOptions {
  TORCH_ARG(int64_t, batch_size) = 64;
  TORCH_ARG(bool, shuffle) = true;
  TORCH_ARG(bool, drop_last) = false;
  TORCH_ARG(int, workers) = 2;
  TORCH_ARG(int, prefetch) = 4;
  TORCH_ARG(uint64_t, seed) = 0;
  TORCH_ARG(TransformOptions, transforms) = {};
  TORCH_ARG(int, rank) = 0;
  TORCH_ARG(int, world_size) = 1;
};

// data: float {B, C, H, W}; target: int64 {B}.
using Batch = nas::Batch;

class DataLoader : public nas::BatchSource {
 public:
  // Throws c10::Error for a batch size < 1 or an empty dataset.
  DataLoader(ImageDataset data, LoaderOptions options);
  ~DataLoader() override;

  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  int64_t batches_per_epoch() const override;
  const ImageDataset& dataset() const { return data_; }

  // Begins epoch `epoch` at batch `start_batch` (resume); stops any epoch in
  // progress.
  void start_epoch(int64_t epoch, int64_t start_batch = 0) override;

  // The next batch of the current epoch, or nullopt at its end. A worker's
  // failure is rethrown here.
  std::optional<Batch> next() override;

 private:
  Batch make_batch(int64_t index) const;
  void stop_workers();
  void worker_loop();

  const ImageDataset data_;
  const LoaderOptions options_;
  at::Tensor order_;
  int64_t epoch_ = -1;
  int64_t next_index_ = 0;  // next batch next() returns

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::thread> threads_;
  std::map<int64_t, Batch> ready_;
  int64_t next_to_make_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
};

}  // namespace nas::datasets

#endif  // DATASETS_LOADER_H_
