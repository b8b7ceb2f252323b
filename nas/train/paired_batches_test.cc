// PairedBatches: batch t of the paired source for training batch t, wrapping
// when it is shorter, restarting only when the source moved.
#include "nas/train/paired_batches.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace nas {
namespace {

// Batch (epoch, index) holds the number 100 * epoch + index; counts restarts.
class CountingSource : public BatchSource {
 public:
  explicit CountingSource(int64_t batches) : batches_(batches) {}
  int64_t batches_per_epoch() const override { return batches_; }
  void start_epoch(int64_t epoch, int64_t start) override {
    epoch_ = epoch;
    next_ = start;
    ++starts;
  }
  std::optional<Batch> next() override {
    if (next_ >= batches_) return std::nullopt;
    Batch b;
    b.data = torch::full({1}, static_cast<double>(100 * epoch_ + next_));
    b.target = torch::zeros({1}, torch::kLong);
    b.epoch = epoch_;
    b.index = next_++;
    return b;
  }
  int starts = 0;

 private:
  int64_t batches_, epoch_ = 0, next_ = 0;
};

double Value(const Batch& b) { return b.data.item<double>(); }

TEST(PairedBatchesTest, PairsBatchTWithTrainingBatchTAndWraps) {
  CountingSource source(3);
  PairedBatches paired(&source, "test data", nullptr);
  std::vector<double> got;
  for (int64_t t = 0; t < 5; ++t) got.push_back(Value(paired.at(2, t, torch::kCPU)));
  EXPECT_EQ(got, (std::vector<double>{200, 201, 202, 200, 201}));
  // Sequential reads restart the source only where it wraps (t = 0 and 3).
  EXPECT_EQ(source.starts, 2);
  EXPECT_EQ(&paired.source(), &source);
}

TEST(PairedBatchesTest, RestartsAfterTheSourceMovedOrAResume) {
  CountingSource source(4);
  PairedBatches paired(&source, "test data", nullptr);
  EXPECT_EQ(Value(paired.at(0, 0, torch::kCPU)), 0);
  source.start_epoch(7, 0);  // someone else reads the source
  paired.invalidate();
  EXPECT_EQ(Value(paired.at(0, 1, torch::kCPU)), 1);
  PairedBatches resumed(&source, "test data", nullptr);  // a resumed run starts mid-epoch
  EXPECT_EQ(Value(resumed.at(1, 2, torch::kCPU)), 102);
}

TEST(PairedBatchesTest, RefusesASourceWithoutBatches) {
  CountingSource empty(0);
  try {
    PairedBatches paired(&empty, "the architecture data", nullptr);
    ADD_FAILURE() << "no error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what_without_backtrace()).find("the architecture data has no batches"),
              std::string::npos);
  }
  EXPECT_THROW(PairedBatches(nullptr, "x", nullptr), c10::Error);
}

TEST(PairedBatchesTest, RefusesTheTrainingSourceItself) {
  // The same object for both would interleave their reads and skip batches.
  CountingSource source(4);
  try {
    PairedBatches paired(&source, "the architecture data", &source);
    ADD_FAILURE() << "no error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what_without_backtrace())
                  .find("the architecture data is the training source itself"),
              std::string::npos);
  }
  CountingSource other(4);
  EXPECT_EQ(Value(PairedBatches(&other, "x", &source).at(0, 1, torch::kCPU)), 1);
}

}  // namespace
}  // namespace nas
