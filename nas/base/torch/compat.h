// The LibTorch API differences between the versions we build against
// (Debian 12's 1.13, Debian 13's 2.6, a user's own), bridged in one place
// so the rest of the code has no version #ifs.
//
//   const torch::optim::OptimizerParamState* s = nas::FindOptimizerState(sgd, weight);
#ifndef NAS_BASE_TORCH_COMPAT_H_
#define NAS_BASE_TORCH_COMPAT_H_

#include <sstream>
#include <string>
#include <type_traits>

#include <ATen/core/Tensor.h>
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

}  // namespace compat_internal

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
