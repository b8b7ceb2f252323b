// The LibTorch API differences between the versions we build against
// (Debian 12's 1.13, Debian 13's 2.6, a user's own), bridged in one place
// so the rest of the code has no version #ifs.
//
//   const torch::optim::OptimizerParamState* s = nas::FindOptimizerState(sgd, weight);
//   nas::SetAutocastEnabled(at::kCPU, true);         // 1.13's set_cpu_enabled
//   nas::SetAutocastDtype(at::kCPU, at::kBFloat16);
//   nas::UseTcpStoreWithoutLibuv(store_options);     // 2.x's libuv default off
//
// | difference                | 1.13                          | 2.x                                |
// |---------------------------|-------------------------------|------------------------------------|
// | optimizer state key       | the TensorImpl printed        | the TensorImpl pointer             |
// | autocast switches         | set_cpu_enabled / set_enabled | set_autocast_enabled(device type)  |
// | TCPStore server           | its own                       | libuv by default (Debian: absent)  |
#ifndef NAS_BASE_TORCH_COMPAT_H_
#define NAS_BASE_TORCH_COMPAT_H_

#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#include <ATen/core/Tensor.h>
#include <c10/core/DeviceType.h>
#include <c10/core/ScalarType.h>
#include <torch/optim/optimizer.h>

namespace nas {
namespace compat_internal {

// LibTorch keys an optimizer's per-parameter state by the parameter's
// TensorImpl: its address printed as a string up to 1.13, the pointer itself
// later. `Key` is the map's key type, whichever it is.
template <typename Key>
Key OptimizerStateKey(const at::Tensor& parameter) {
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream out;  // as c10::guts::to_string, gone in 2.x
    out << parameter.unsafeGetTensorImpl();
    return out.str();
  } else {
    return parameter.unsafeGetTensorImpl();
  }
}

template <typename Options, typename = void>
struct HasUseLibUV : std::false_type {};
template <typename Options>
struct HasUseLibUV<Options, std::void_t<decltype(std::declval<Options&>().useLibUV)>>
    : std::true_type {};

}  // namespace compat_internal

// Autocast of one device type (kCPU: bf16 by default here; kCUDA: fp16),
// as the thread-local switches LibTorch has. Other device types: c10::Error.
bool IsAutocastEnabled(c10::DeviceType device_type);
void SetAutocastEnabled(c10::DeviceType device_type, bool enabled);
void SetAutocastDtype(c10::DeviceType device_type, c10::ScalarType dtype);

// c10d::TCPStoreOptions (any version): the store's own TCP server, not libuv,
// which LibTorch 2.x asks for by default and Debian's build does not have
// ("use_libuv was requested but PyTorch was build without libuv support").
template <typename StoreOptions>
void UseTcpStoreWithoutLibuv(StoreOptions& options) {
  if constexpr (compat_internal::HasUseLibUV<StoreOptions>::value) options.useLibUV = false;
}

// The optimizer's state of `parameter` (momentum buffers, Adam moments), or
// nullptr before the optimizer's first step on it.
inline const torch::optim::OptimizerParamState* FindOptimizerState(
    torch::optim::Optimizer& optimizer, const at::Tensor& parameter) {
  const auto& state = optimizer.state();
  using Key = typename std::decay_t<decltype(state)>::key_type;
  auto it = state.find(compat_internal::OptimizerStateKey<Key>(parameter));
  return it == state.end() ? nullptr : it->second.get();
}

}  // namespace nas

#endif  // NAS_BASE_TORCH_COMPAT_H_
