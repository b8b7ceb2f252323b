#include "nas/train/classifier_evaluation.h"

#include <cmath>

#include <gtest/gtest.h>
#include <torch/types.h>

namespace nas {
namespace {

class Fixed : public BatchSource {
 public:
  explicit Fixed(std::vector<Batch> batches) : batches_(std::move(batches)) {}
  int64_t batches_per_epoch() const override { return static_cast<int64_t>(batches_.size()); }
  void start_epoch(int64_t, int64_t start) override { next_ = static_cast<size_t>(start); }
  std::optional<Batch> next() override {
    if (next_ >= batches_.size()) return std::nullopt;
    return batches_[next_++];
  }

 private:
  std::vector<Batch> batches_;
  size_t next_ = 0;
};

TEST(ClassifierEvaluationTest, LossAccuracyAndLimits) {
  // The "model" returns its input as logits: 2 classes.
  at::Tensor x1 = torch::tensor({{2.0, 0.0}, {0.0, 1.0}, {3.0, 0.0}});
  at::Tensor x2 = torch::tensor({{0.0, 5.0}});
  Fixed source(
      {{x1, torch::tensor({0, 0, 0}, torch::kLong)}, {x2, torch::tensor({1}, torch::kLong)}});
  int calls = 0;
  auto identity = [](const at::Tensor& x) { return x; };
  ClassifierScore all = EvaluateClassifier(identity, source, 0, [&] { ++calls; });
  EXPECT_EQ(all.examples, 4);
  EXPECT_EQ(calls, 2);
  EXPECT_DOUBLE_EQ(all.accuracy, 0.75);
  double expected = (std::log1p(std::exp(-2.0)) + std::log1p(std::exp(1.0)) +
                     std::log1p(std::exp(-3.0)) + std::log1p(std::exp(-5.0))) /
                    4;
  EXPECT_NEAR(all.loss, expected, 1e-6);
  ClassifierScore first = EvaluateClassifier(identity, source, 1);
  EXPECT_EQ(first.examples, 3);
  EXPECT_NEAR(first.accuracy, 2.0 / 3, 1e-12);
  Fixed empty({});
  EXPECT_EQ(EvaluateClassifier(identity, empty).examples, 0);
}

}  // namespace
}  // namespace nas
