#include "nas/base/torch/compat.h"

#include <gtest/gtest.h>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/optim/sgd.h>
#include <torch/types.h>

namespace nas {
namespace {

TEST(CompatTest, FindsTheOptimizerStateOfEachParameterAfterItsFirstStep) {
  at::Tensor a = torch::ones({2}, torch::requires_grad());
  at::Tensor b = torch::ones({3}, torch::requires_grad());
  torch::optim::SGD sgd({a, b}, torch::optim::SGDOptions(0.1).momentum(0.9));
  EXPECT_EQ(FindOptimizerState(sgd, a), nullptr);
  (a * 2).sum().backward();
  (b * 3).sum().backward();
  sgd.step();
  const auto* sa = FindOptimizerState(sgd, a);
  const auto* sb = FindOptimizerState(sgd, b);
  ASSERT_NE(sa, nullptr);
  ASSERT_NE(sb, nullptr);
  // SGD's momentum buffer after one step is the gradient itself.
  EXPECT_TRUE(static_cast<const torch::optim::SGDParamState*>(sa)->momentum_buffer().equal(
      torch::full({2}, 2.0)));
  EXPECT_TRUE(static_cast<const torch::optim::SGDParamState*>(sb)->momentum_buffer().equal(
      torch::full({3}, 3.0)));
  EXPECT_EQ(FindOptimizerState(sgd, torch::ones({2})), nullptr);  // not a parameter of it
}

TEST(CompatTest, AutocastSwitchesPerDeviceType) {
  for (c10::DeviceType type : {c10::DeviceType::CPU, c10::DeviceType::CUDA}) {
    ASSERT_FALSE(IsAutocastEnabled(type));
    SetAutocastEnabled(type, true);
    EXPECT_TRUE(IsAutocastEnabled(type));
    SetAutocastEnabled(type, false);
    EXPECT_FALSE(IsAutocastEnabled(type));
  }
  SetAutocastEnabled(c10::DeviceType::CPU, true);
  EXPECT_FALSE(IsAutocastEnabled(c10::DeviceType::CUDA));  // independent switches
  SetAutocastEnabled(c10::DeviceType::CPU, false);
  EXPECT_THROW(SetAutocastEnabled(c10::DeviceType::Meta, true), c10::Error);
}

TEST(CompatTest, AutocastOnCpuComputesInTheDtypeSet) {
  at::Tensor a = torch::randn({4, 4}), b = torch::randn({4, 4});
  SetAutocastDtype(c10::DeviceType::CPU, at::kBFloat16);
  SetAutocastEnabled(c10::DeviceType::CPU, true);
  at::Tensor product = at::mm(a, b);
  SetAutocastEnabled(c10::DeviceType::CPU, false);
  EXPECT_EQ(product.scalar_type(), at::kBFloat16);
  EXPECT_EQ(at::mm(a, b).scalar_type(), at::kFloat);
}

struct WithLibuvSwitch {
  bool useLibUV = true;
  int other = 7;
};
struct WithoutLibuvSwitch {
  int other = 7;
};

TEST(CompatTest, TcpStoreOptionsLoseTheLibuvDefaultWhereTheyHaveIt) {
  WithLibuvSwitch with;
  UseTcpStoreWithoutLibuv(with);
  EXPECT_FALSE(with.useLibUV);
  EXPECT_EQ(with.other, 7);
  WithoutLibuvSwitch without;
  UseTcpStoreWithoutLibuv(without);  // compiles, changes nothing
  EXPECT_EQ(without.other, 7);
}

TEST(CompatTest, ATcpStoreServerStartsWithTheseOptions) {
  // LibTorch 2.x without libuv (Debian's) refuses its default options.
  c10d::TCPStoreOptions options;
  options.port = 0;  // any free port
  options.isServer = true;
  options.numWorkers = 1;
  options.waitWorkers = false;
  UseTcpStoreWithoutLibuv(options);
  c10d::TCPStore store("127.0.0.1", options);
  store.set("key", std::vector<uint8_t>{1, 2, 3});
  EXPECT_EQ(store.get("key"), (std::vector<uint8_t>{1, 2, 3}));
}

}  // namespace
}  // namespace nas
