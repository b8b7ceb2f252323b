// The job library's data: the split and its caps, the checks against the
// space, the loaders' augmentation rule, and strict options.
#include "nas/jobs/data.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

BuiltSpace Space(std::vector<int64_t> shape, int64_t classes) {
  BuiltSpace s;
  s.input_shape = std::move(shape);
  s.classes = classes;
  return s;
}

DataOptions Synthetic(int64_t size) {
  DataOptions o;
  o.dataset = "synthetic";
  o.synthetic_size = size;
  o.workers = 0;
  return o;
}

TEST(DataTest, SplitsAndCapsTheTrainingSet) {
  DataOptions o = Synthetic(400);
  o.train_fraction = 0.75;
  absl::StatusOr<ImageData> data = LoadImageData(o, Space({1, 28, 28}, 10), "s", 3);
  ASSERT_OK(data);
  EXPECT_EQ(data->full_train.size(), 400);
  EXPECT_EQ(data->train.size(), 300);
  EXPECT_EQ(data->valid.size(), 100);
  EXPECT_EQ(data->test.size(), 100);  // synthetic: a quarter of the size
  o.train_examples = 50;
  o.valid_examples = 20;
  absl::StatusOr<ImageData> capped =
      LoadImageData(o, Space({1, 28, 28}, 10), "s", 3, /*with_test=*/false);
  ASSERT_OK(capped);
  EXPECT_EQ(capped->train.size(), 50);
  EXPECT_EQ(capped->valid.size(), 20);
  EXPECT_EQ(capped->test.size(), 0);
  // The caps take the head of the same seeded split: a subset of it.
  EXPECT_TRUE(torch::equal(capped->train.labels, data->train.labels.narrow(0, 0, 50)));
  // Another seed, another split.
  absl::StatusOr<ImageData> other = LoadImageData(o, Space({1, 28, 28}, 10), "s", 4, false);
  EXPECT_FALSE(torch::equal(other->train.images, capped->train.images));
}

TEST(DataTest, TheSpaceMustFitTheData) {
  EXPECT_THAT(
      LoadImageData(Synthetic(64), Space({3, 32, 32}, 10), "my_net", 0),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("dataset 'synthetic' has images of shape [1, 28, 28] but space 'my_net' "
                         "expects [3, 32, 32]")));
  EXPECT_THAT(LoadImageData(Synthetic(64), Space({1, 28, 28}, 4), "my_net", 0),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("has 10 classes but space 'my_net' has 4 outputs")));
  DataOptions mnist = Synthetic(64);
  mnist.dataset = "mnist";
  EXPECT_THAT(
      LoadImageData(mnist, Space({1, 28, 28}, 10), "my_net", 0),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("unknown dataset 'mnist'; registered: ")));
  // A space that does not say its shape or classes is not checked.
  EXPECT_OK(LoadImageData(Synthetic(64), Space({}, 0), "my_net", 0));
}

TEST(DataTest, LoadersBatchAugmentAndShard) {
  DataOptions o = Synthetic(100);
  o.batch_size = 16;
  o.eval_batch_size = 30;
  o.valid_batch_size = 7;
  absl::StatusOr<ImageData> data = LoadImageData(o, Space({1, 28, 28}, 10), "s", 0, false);
  ASSERT_OK(data);  // 90 train, 10 valid
  auto train = TrainLoader(data->train, o, 1);
  EXPECT_EQ(train->batches_per_epoch(), 5);  // 90 / 16, the last one dropped
  auto sharded = TrainLoader(data->train, o, 1, /*rank=*/1, /*world_size=*/2);
  EXPECT_EQ(sharded->batches_per_epoch(), 2);
  auto eval = EvalLoader(data->full_train, o);
  EXPECT_EQ(eval->batches_per_epoch(), 4);  // 100 / 30, the last one kept
  eval->start_epoch(0);
  EXPECT_TRUE(
      torch::equal(eval->next()->target, data->full_train.labels.narrow(0, 0, 30)));  // in order
  auto shuffled = ShuffledLoader(data->valid, o, 2);
  EXPECT_EQ(shuffled->batches_per_epoch(), 2);  // 10 / 7
  // Training batches are cropped (padding 28 / 8 = 3): not the raw images.
  train->start_epoch(0);
  at::Tensor batch = train->next()->data;
  EXPECT_EQ(batch.sizes(), (std::vector<int64_t>{16, 1, 28, 28}));
}

TEST(DataTest, OptionsAreStrictAndRoundTrip) {
  DataOptions o;
  o.train_examples = 100;
  o.valid_batch_size = 8;
  DataOptions back;
  ASSERT_OK(DataOptionsFromJson(DataOptionsToJson(o), "$.data", &back));
  EXPECT_EQ(DataOptionsToJson(back), DataOptionsToJson(o));
  auto error = [](const char* json) {
    DataOptions out;
    return DataOptionsFromJson(Json::parse(json), "$.data", &out);
  };
  EXPECT_THAT(error(R"({"train_fraction": 1})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("$.data.train_fraction must be in (0, 1)")));
  EXPECT_THAT(error(R"({"batch_size": 0})"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                      HasSubstr("$.data.batch_size must be >= 1")));
  EXPECT_THAT(error(R"({"workers": -1})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("workers")));
  EXPECT_THAT(error(R"({"batchsize": 3})"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                     HasSubstr("unknown member $.data.batchsize")));
}

}  // namespace
}  // namespace nas
