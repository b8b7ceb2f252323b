#include "datasets/loader.h"

#include <omp.h>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/util/Exception.h>

namespace nas::datasets {
namespace {

// SplitMix64: well-mixed seeds from (seed, epoch, batch).
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

DataLoader::DataLoader(ImageDataset data, LoaderOptions options)
    : data_(std::move(data)), options_(std::move(options)) {
  TORCH_CHECK(options_.batch_size() >= 1, "batch_size must be >= 1, got ", options_.batch_size());
  TORCH_CHECK(data_.size() > 0, "the dataset is empty");
  TORCH_CHECK(options_.workers() >= 0 && options_.prefetch() >= 1,
              "workers must be >= 0 and prefetch >= 1");
  TORCH_CHECK(
      options_.world_size() >= 1 && options_.rank() >= 0 && options_.rank() < options_.world_size(),
      "rank ", options_.rank(), " is outside world size ", options_.world_size());
  TORCH_CHECK(batches_per_epoch() > 0, "the dataset (", data_.size(),
              " examples) has no complete global batch of ",
              options_.batch_size() * options_.world_size());
}

DataLoader::~DataLoader() { stop_workers(); }

int64_t DataLoader::batches_per_epoch() const {
  const int64_t n = data_.size(), b = options_.batch_size() * options_.world_size();
  return options_.drop_last() || options_.world_size() > 1 ? n / b : (n + b - 1) / b;
}

void DataLoader::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
  ready_.clear();
  stopping_ = false;
  error_ = nullptr;
}

void DataLoader::start_epoch(int64_t epoch, int64_t start_batch) {
  TORCH_CHECK(start_batch >= 0 && start_batch <= batches_per_epoch(), "start batch ", start_batch,
              " is outside [0, ", batches_per_epoch(), "]");
  stop_workers();
  epoch_ = epoch;
  if (options_.shuffle()) {
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(
        Mix(options_.seed() ^ Mix(static_cast<uint64_t>(epoch))));
    order_ = at::randperm(data_.size(), gen, at::kLong);
  } else {
    order_ = at::arange(data_.size(), at::kLong);
  }
  next_index_ = start_batch;
  next_to_make_ = start_batch;
  for (int i = 0; i < options_.workers(); ++i) threads_.emplace_back([this] { worker_loop(); });
}

Batch DataLoader::make_batch(int64_t index) const {
  const int64_t global = options_.batch_size() * options_.world_size();
  const int64_t begin = index * global + options_.rank() * options_.batch_size();
  const int64_t size = std::min(options_.batch_size(), data_.size() - begin);
  at::Tensor idx = order_.narrow(0, begin, size);
  Batch batch;
  batch.epoch = epoch_;
  batch.index = index;
  uint64_t seed =
      Mix(Mix(options_.seed() ^ Mix(static_cast<uint64_t>(epoch_))) ^ static_cast<uint64_t>(index));
  batch.data = ApplyTransforms(data_.images.index_select(0, idx), data_.mean, data_.std,
                               options_.transforms(), seed);
  batch.target = data_.labels.index_select(0, idx);
  return batch;
}

void DataLoader::worker_loop() {
  // Workers run their tensor ops on their own thread only: OpenMP teams
  // started from several threads at once made the training thread's
  // reductions (and so a run's result) depend on timing.
  omp_set_num_threads(1);
  while (true) {
    int64_t index;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] {
        return stopping_ || next_to_make_ >= batches_per_epoch() ||
               next_to_make_ < next_index_ + options_.prefetch();
      });
      if (stopping_ || next_to_make_ >= batches_per_epoch()) return;
      index = next_to_make_++;
    }
    try {
      Batch batch = make_batch(index);
      std::lock_guard<std::mutex> lock(mu_);
      ready_.emplace(index, std::move(batch));
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu_);
      if (!error_) error_ = std::current_exception();
    }
    cv_.notify_all();
  }
}

std::optional<Batch> DataLoader::next() {
  TORCH_CHECK(epoch_ >= 0, "DataLoader::next() before start_epoch()");
  if (next_index_ >= batches_per_epoch()) return std::nullopt;
  if (threads_.empty()) return make_batch(next_index_++);
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return error_ || ready_.count(next_index_) > 0; });
  if (error_) std::rethrow_exception(error_);
  auto node = ready_.extract(next_index_++);
  lock.unlock();
  cv_.notify_all();
  return std::move(node.mapped());
}

}  // namespace nas::datasets
