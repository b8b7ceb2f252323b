// The device a module's weights live on: its first parameter's, CPU for a
// module without parameters (inputs for it are made there).
#ifndef NAS_BASE_TORCH_MODULE_DEVICE_H_
#define NAS_BASE_TORCH_MODULE_DEVICE_H_

#include <c10/core/Device.h>
#include <torch/nn/module.h>

namespace nas {

inline c10::Device DeviceOf(const torch::nn::Module& module) {
  for (const at::Tensor& p : module.parameters()) return p.device();
  return c10::Device(c10::kCPU);
}

}  // namespace nas

#endif  // NAS_BASE_TORCH_MODULE_DEVICE_H_
