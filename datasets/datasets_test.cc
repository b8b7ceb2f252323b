// Dataset readers on files the test writes (and on the installed
// Fashion-MNIST package), including every malformed-file path.
#include <zlib.h>

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include "datasets/cifar10.h"
#include "datasets/fashion_mnist.h"
#include "datasets/synthetic.h"
#include "nas/base/file.h"
#include "nas/testing/status_matchers.h"
#include "nas/testing/tensor_matchers.h"

namespace nas::datasets {
namespace {

using ::nas::testing::StatusIs;
using ::nas::testing::TensorEq;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Dir(const std::string& name) {
  std::string dir = JoinPath(std::getenv("TEST_TMPDIR"), name);
  EXPECT_OK(MakeDirs(dir));
  return dir;
}

std::string Idx(uint32_t magic, std::vector<uint32_t> dims, size_t data_bytes, uint8_t fill) {
  std::string s;
  auto put = [&](uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
      s.push_back(static_cast<char>((v >> shift) & 0xff));
  };
  put(magic);
  for (uint32_t d : dims) put(d);
  for (size_t i = 0; i < data_bytes; ++i) s.push_back(static_cast<char>(fill + i % 3));
  return s;
}

void WriteGz(const std::string& path, const std::string& content) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, content.data(), content.size()), static_cast<int>(content.size()));
  gzclose(f);
}

// A valid Fashion-MNIST-shaped training split with `n` examples.
std::string MakeMnist(const std::string& name, uint32_t n) {
  std::string dir = Dir(name);
  WriteGz(JoinPath(dir, "train-images-idx3-ubyte.gz"), Idx(0x803, {n, 28, 28}, n * 784, 7));
  WriteGz(JoinPath(dir, "train-labels-idx1-ubyte.gz"), Idx(0x801, {n}, n, 0));
  return dir;
}

absl::StatusOr<ImageDataset> Mnist(const std::string& dir) {
  DatasetOptions o;
  o.data_dir = dir;
  return LoadFashionMnist(o);
}

TEST(FashionMnistTest, ReadsIdxGz) {
  auto ds = Mnist(MakeMnist("ok", 5));
  ASSERT_OK(ds);
  EXPECT_EQ(ds->images.sizes(), (std::vector<int64_t>{5, 1, 28, 28}));
  EXPECT_EQ(ds->images.scalar_type(), torch::kByte);
  EXPECT_EQ(ds->labels.sizes(), (std::vector<int64_t>{5}));
  EXPECT_EQ(ds->labels[4].item<int64_t>(), 1);
  EXPECT_EQ(ds->images[0][0][0][1].item<int>(), 8);
}

TEST(FashionMnistTest, BadFilesNameTheFile) {
  std::string dir = MakeMnist("magic", 5);
  WriteGz(JoinPath(dir, "train-labels-idx1-ubyte.gz"), Idx(0x803, {5}, 5, 0));
  EXPECT_THAT(
      Mnist(dir),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("train-labels-idx1-ubyte.gz: idx magic number 0x803, expected 0x801")));

  dir = MakeMnist("truncated", 5);
  WriteGz(JoinPath(dir, "train-images-idx3-ubyte.gz"), Idx(0x803, {5, 28, 28}, 4 * 784, 0));
  EXPECT_THAT(Mnist(dir),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("promises 3920 bytes of data, the file has 3136 (truncated)")));

  // Dimensions whose product overflows 64 bits (found by fuzzing: the
  // wrapped product matched the data and at::empty threw).
  dir = MakeMnist("overflow", 5);
  WriteGz(JoinPath(dir, "train-images-idx3-ubyte.gz"),
          Idx(0x803, {524288, 16777216, 811597824}, 16, 0));
  EXPECT_THAT(Mnist(dir), StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr("dimensions 524288 x 16777216 x 811597824 overflow")));
  // An empty dimension: no data, no copy from nowhere.
  dir = MakeMnist("empty", 5);
  WriteGz(JoinPath(dir, "train-images-idx3-ubyte.gz"), Idx(0x803, {0, 28, 28}, 0, 0));
  EXPECT_THAT(Mnist(dir), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("has 0 images")));

  dir = MakeMnist("cut_gzip", 5);
  std::string gz = *ReadFile(JoinPath(dir, "train-images-idx3-ubyte.gz"));
  ASSERT_OK(WriteFileAtomically(JoinPath(dir, "train-images-idx3-ubyte.gz"),
                                gz.substr(0, gz.size() / 2)));
  EXPECT_THAT(Mnist(dir),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("train-images-idx3-ubyte.gz: truncated or corrupt gzip")));

  dir = MakeMnist("missing", 5);
  std::remove(JoinPath(dir, "train-labels-idx1-ubyte.gz").c_str());
  EXPECT_THAT(Mnist(dir),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("missing file " + JoinPath(dir, "train-labels-idx1-ubyte.gz"))));

  dir = MakeMnist("counts", 5);
  WriteGz(JoinPath(dir, "train-labels-idx1-ubyte.gz"), Idx(0x801, {4}, 4, 0));
  EXPECT_THAT(Mnist(dir),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("has 5 images but")));

  dir = MakeMnist("labels", 5);
  WriteGz(JoinPath(dir, "train-labels-idx1-ubyte.gz"), Idx(0x801, {5}, 5, 10));
  EXPECT_THAT(Mnist(dir),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("label 12 is not in [0, 9]")));

  dir = Dir("shape");
  WriteGz(JoinPath(dir, "train-images-idx3-ubyte.gz"), Idx(0x803, {2, 32, 32}, 2 * 1024, 0));
  WriteGz(JoinPath(dir, "train-labels-idx1-ubyte.gz"), Idx(0x801, {2}, 2, 0));
  EXPECT_THAT(Mnist(dir),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("expected 28x28 images")));
}

TEST(FashionMnistTest, InstalledPackageLoads) {
  if (!FileExists(kFashionMnistDefaultDir)) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  DatasetOptions o;
  o.split = Split::kTest;
  auto ds = LoadFashionMnist(o);
  ASSERT_OK(ds);
  EXPECT_EQ(ds->images.sizes(), (std::vector<int64_t>{10000, 1, 28, 28}));
  EXPECT_EQ(std::get<0>(at::_unique(ds->labels)).numel(), 10);
}

void WriteCifar(const std::string& path, int records, int label) {
  std::string s;
  for (int r = 0; r < records; ++r) {
    s.push_back(static_cast<char>(label));
    s.append(3072, static_cast<char>(r));
  }
  ASSERT_OK(WriteFileAtomically(path, s));
}

TEST(Cifar10Test, ReadsBinaryBatches) {
  std::string dir = Dir("cifar");
  for (int i = 1; i <= 5; ++i)
    WriteCifar(JoinPath(dir, "data_batch_" + std::to_string(i) + ".bin"), 2, i);
  WriteCifar(JoinPath(dir, "test_batch.bin"), 3, 9);
  DatasetOptions o;
  o.data_dir = dir;
  auto train = LoadCifar10(o);
  ASSERT_OK(train);
  EXPECT_EQ(train->images.sizes(), (std::vector<int64_t>{10, 3, 32, 32}));
  EXPECT_EQ(train->labels[9].item<int64_t>(), 5);
  EXPECT_EQ(train->images[1][2][31][31].item<int>(), 1);
  o.split = Split::kTest;
  EXPECT_EQ(LoadCifar10(o)->size(), 3);
}

TEST(Cifar10Test, BadInput) {
  std::string dir = Dir("cifar_bad");
  for (int i = 1; i <= 4; ++i)
    WriteCifar(JoinPath(dir, "data_batch_" + std::to_string(i) + ".bin"), 1, 0);
  DatasetOptions o;
  o.data_dir = dir;
  EXPECT_THAT(LoadCifar10(o),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("missing CIFAR-10 batch " + JoinPath(dir, "data_batch_5.bin"))));
  ASSERT_OK(WriteFileAtomically(JoinPath(dir, "data_batch_5.bin"), std::string(3000, 'x')));
  EXPECT_THAT(LoadCifar10(o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("3000 bytes is not a whole number of 3073-byte records")));
  EXPECT_THAT(LoadCifar10(DatasetOptions{}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("pass --data_dir")));
}

TEST(SyntheticTest, DeterministicAndRegistered) {
  DatasetOptions o;
  o.synthetic_size = 64;
  o.seed = 5;
  auto a = MakeSynthetic(o), b = (*DatasetRegistry().Lookup("synthetic"))(o);
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_THAT(b->images, TensorEq(a->images));
  EXPECT_THAT(b->labels, TensorEq(a->labels));
  o.split = Split::kTest;
  EXPECT_THAT(MakeSynthetic(o)->images, Not(TensorEq(a->images)));
  EXPECT_THAT(
      DatasetRegistry().Lookup("mnist"),
      StatusIs(
          absl::StatusCode::kNotFound,
          HasSubstr("unknown dataset 'mnist'; registered: cifar10, fashion_mnist, synthetic")));
}

}  // namespace
}  // namespace nas::datasets
