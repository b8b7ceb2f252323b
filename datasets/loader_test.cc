// Transforms, splits and the loader: determinism, coverage, resume.
#include "datasets/loader.h"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include "datasets/split.h"
#include "datasets/synthetic.h"
#include "datasets/transforms.h"
#include "nas/testing/status_matchers.h"
#include "nas/testing/tensor_matchers.h"

namespace nas::datasets {
namespace {

using ::nas::testing::StatusIs;
using ::nas::testing::TensorEq;
using ::nas::testing::TensorNear;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Matches;
using ::testing::Not;

ImageDataset Data(int64_t n = 100) {
  DatasetOptions o;
  o.synthetic_size = n;
  o.seed = 1;
  return *MakeSynthetic(o);
}

// A dataset whose label is the example's index, to follow the order.
ImageDataset Indexed(int64_t n) {
  ImageDataset d = Data(n);
  d.labels = torch::arange(n, torch::kLong);
  return d;
}

std::vector<Batch> Epoch(DataLoader& loader, int64_t epoch, int64_t start = 0) {
  loader.start_epoch(epoch, start);
  std::vector<Batch> out;
  while (auto b = loader.next()) out.push_back(*b);
  return out;
}

TEST(TransformsTest, NormalizeUsesMeanAndStd) {
  at::Tensor img = torch::full({1, 1, 2, 2}, 51, torch::kByte);
  TransformOptions o;
  at::Tensor x = ApplyTransforms(img, {0.1}, {0.5}, o, 0);
  EXPECT_THAT(x, TensorNear(torch::full({1, 1, 2, 2}, (0.2 - 0.1) / 0.5), 1e-8, 1e-5));
  o.normalize = false;
  EXPECT_THAT(ApplyTransforms(img, {}, {}, o, 0),
              TensorNear(torch::full({1, 1, 2, 2}, 0.2), 1e-8, 1e-5));
}

TEST(TransformsTest, AugmentationsAreDeterministicAndDoWhatTheySay) {
  ImageDataset d = Data(16);
  TransformOptions o;
  o.normalize = false;
  o.crop_padding = 4;
  o.horizontal_flip = true;
  o.cutout = 8;
  at::Tensor a = ApplyTransforms(d.images, d.mean, d.std, o, 42);
  at::Tensor b = ApplyTransforms(d.images, d.mean, d.std, o, 42);
  at::Tensor c = ApplyTransforms(d.images, d.mean, d.std, o, 43);
  EXPECT_THAT(b, TensorEq(a));
  EXPECT_THAT(c, Not(TensorEq(a)));
  EXPECT_EQ(a.sizes(), d.images.sizes());

  // Flip only: each image equals the original or its mirror.
  TransformOptions flip;
  flip.normalize = false;
  flip.horizontal_flip = true;
  at::Tensor f = ApplyTransforms(d.images, d.mean, d.std, flip, 7);
  at::Tensor orig = d.images.to(torch::kFloat) / 255;
  int flipped = 0;
  for (int64_t i = 0; i < 16; ++i) {
    EXPECT_THAT(f[i], AnyOf(TensorEq(orig[i]), TensorEq(orig[i].flip({2})))) << i;
    bool same = Matches(TensorEq(orig[i]))(f[i]),
         mirrored = Matches(TensorEq(orig[i].flip({2})))(f[i]);
    flipped += mirrored && !same;
  }
  EXPECT_GT(flipped, 0);
  EXPECT_LT(flipped, 16);

  // Cutout only: some zeros, the rest unchanged.
  TransformOptions cut;
  cut.normalize = false;
  cut.cutout = 8;
  at::Tensor z = ApplyTransforms(d.images, d.mean, d.std, cut, 7);
  at::Tensor changed = z != orig;
  at::Tensor cut_out = z.masked_select(changed);
  EXPECT_THAT(cut_out, TensorEq(torch::zeros_like(cut_out)));
  EXPECT_GT(changed.sum().item<int64_t>(), 0);

  // Crop only: a shifted copy with zero padding keeps the pixel values.
  TransformOptions crop;
  crop.normalize = false;
  crop.crop_padding = 2;
  at::Tensor cropped = ApplyTransforms(d.images, d.mean, d.std, crop, 3);
  EXPECT_LE(cropped.max().item<float>(), 1.0f);
  EXPECT_THAT(cropped, Not(TensorEq(orig)));
}

TEST(TransformsTest, OptionsFromJsonAreStrict) {
  TransformOptions o;
  EXPECT_OK(TransformOptionsFromJson(nas::Json::parse(R"({"cutout": 16})"), "$.t", &o));
  EXPECT_EQ(o.cutout, 16);
  EXPECT_THAT(TransformOptionsFromJson(nas::Json::parse(R"({"cutuot": 16})"), "$.t", &o),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown member $.t.cutuot")));
  EXPECT_THAT(TransformOptionsFromJson(nas::Json::parse(R"({"cutout": -1})"), "$.t", &o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("$.t: crop_padding and cutout must be >= 0")));
}

TEST(SplitTest, DeterministicDisjointAndSized) {
  ImageDataset d = Indexed(100);
  auto a = SplitTrainValid(d, 0.9, 3), b = SplitTrainValid(d, 0.9, 3);
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_EQ(a->train.size(), 90);
  EXPECT_EQ(a->valid.size(), 10);
  EXPECT_THAT(b->train.labels, TensorEq(a->train.labels));
  std::set<int64_t> all;
  for (auto* part : {&a->train, &a->valid}) {
    for (int64_t i = 0; i < part->size(); ++i) all.insert(part->labels[i].item<int64_t>());
  }
  EXPECT_EQ(all.size(), 100u);
  EXPECT_THAT(SplitTrainValid(d, 1.0, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("must be in (0, 1)")));
  EXPECT_THAT(SplitTrainValid(Indexed(2), 0.1, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("leaves a part empty")));
}

TEST(LoaderTest, EachEpochCoversEveryExampleOnceInANewOrder) {
  DataLoader loader(Indexed(50), LoaderOptions().batch_size(8).seed(2));
  EXPECT_EQ(loader.batches_per_epoch(), 7);
  std::vector<int64_t> first, second;
  for (int64_t epoch : {0, 1}) {
    std::vector<int64_t>& seen = epoch == 0 ? first : second;
    for (const Batch& b : Epoch(loader, epoch)) {
      EXPECT_EQ(b.epoch, epoch);
      EXPECT_EQ(b.data.scalar_type(), torch::kFloat);
      for (int64_t i = 0; i < b.target.size(0); ++i) seen.push_back(b.target[i].item<int64_t>());
    }
    EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), 50u);
    EXPECT_EQ(seen.size(), 50u);
  }
  EXPECT_NE(first, second);
}

TEST(LoaderTest, BatchesDoNotDependOnWorkersAndResumeExactly) {
  TransformOptions t;
  t.crop_padding = 2;
  t.horizontal_flip = true;
  auto options = [&](int workers) {
    return LoaderOptions().batch_size(16).workers(workers).prefetch(3).seed(9).transforms(t);
  };
  DataLoader sync(Data(100), options(0)), threaded(Data(100), options(3)),
      resumed(Data(100), options(2));
  auto a = Epoch(sync, 4), b = Epoch(threaded, 4), c = Epoch(resumed, 4, 3);
  ASSERT_EQ(a.size(), 7u);
  ASSERT_EQ(b.size(), 7u);
  ASSERT_EQ(c.size(), 4u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_THAT(b[i].data, TensorEq(a[i].data)) << i;
    EXPECT_THAT(b[i].target, TensorEq(a[i].target)) << i;
  }
  for (size_t i = 0; i < c.size(); ++i) {
    EXPECT_EQ(c[i].index, static_cast<int64_t>(i + 3));
    EXPECT_THAT(c[i].data, TensorEq(a[i + 3].data)) << i;
  }
}

TEST(LoaderTest, RankShardsPartitionEachGlobalBatch) {
  auto options = [](int rank) {
    return LoaderOptions().batch_size(4).world_size(2).rank(rank).seed(3).workers(1);
  };
  DataLoader whole(Indexed(19), LoaderOptions().batch_size(8).seed(3).workers(0));
  DataLoader r0(Indexed(19), options(0)), r1(Indexed(19), options(1));
  auto w = Epoch(whole, 2), a = Epoch(r0, 2), b = Epoch(r1, 2);
  ASSERT_EQ(a.size(), 2u);  // 19 examples: 2 full global batches of 8
  ASSERT_EQ(b.size(), 2u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_THAT(torch::cat({a[i].target, b[i].target}), TensorEq(w[i].target)) << i;
  }
  EXPECT_THAT([] { DataLoader l(Indexed(4), LoaderOptions().batch_size(4).world_size(2)); },
              ::testing::ThrowsMessage<c10::Error>(HasSubstr("no complete global batch of 8")));
}

TEST(LoaderTest, DropLastAndNoShuffle) {
  DataLoader loader(Indexed(10), LoaderOptions().batch_size(4).drop_last(true).shuffle(false));
  auto batches = Epoch(loader, 0);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_THAT(batches[1].target, TensorEq(torch::arange(4, 8, torch::kLong)));
}

TEST(LoaderTest, StartingANewEpochMidwayIsSafe) {
  DataLoader loader(Data(200), LoaderOptions().batch_size(8).workers(2));
  loader.start_epoch(0);
  ASSERT_TRUE(loader.next().has_value());
  auto again = Epoch(loader, 1);  // abandons epoch 0 with batches in flight
  EXPECT_EQ(again.size(), 25u);
}

TEST(LoaderTest, BadOptionsAndUse) {
  EXPECT_THAT([] { DataLoader l(Data(4), LoaderOptions().batch_size(0)); },
              ::testing::ThrowsMessage<c10::Error>(HasSubstr("batch_size must be >= 1")));
  DataLoader loader(Data(4), LoaderOptions());
  EXPECT_THAT([&] { loader.next(); },
              ::testing::ThrowsMessage<c10::Error>(HasSubstr("before start_epoch()")));
  EXPECT_THAT([&] { loader.start_epoch(0, 5); },
              ::testing::ThrowsMessage<c10::Error>(HasSubstr("start batch 5 is outside [0, 1]")));
  // A worker's failure (normalize with the wrong channel count) reaches next().
  ImageDataset bad = Data(8);
  bad.mean = {0.1, 0.2};
  DataLoader failing(bad, LoaderOptions().batch_size(4).workers(2));
  failing.start_epoch(0);
  EXPECT_THAT([&] { failing.next(); },
              ::testing::ThrowsMessage<c10::Error>(HasSubstr("normalize: 1 channels but 2 means")));
}

}  // namespace
}  // namespace nas::datasets
