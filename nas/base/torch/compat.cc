#include "nas/base/torch/compat.h"

#include <ATen/autocast_mode.h>
#include <c10/util/Exception.h>
#include <torch/version.h>

// The device-type autocast API (is_autocast_enabled(DeviceType), ...) came
// with LibTorch 2.4; the per-device functions it replaces are deprecated
// from then on. The one version test of the project.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define NAS_AUTOCAST_BY_DEVICE_TYPE 1
#else
#define NAS_AUTOCAST_BY_DEVICE_TYPE 0
#endif

namespace nas {
namespace {

void CheckAutocastDevice(c10::DeviceType device_type) {
  TORCH_CHECK(device_type == c10::DeviceType::CPU || device_type == c10::DeviceType::CUDA,
              "autocast is set up for CPU and CUDA only, not ", device_type);
}

}  // namespace

bool IsAutocastEnabled(c10::DeviceType device_type) {
  CheckAutocastDevice(device_type);
#if NAS_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::is_autocast_enabled(device_type);
#else
  return device_type == c10::DeviceType::CPU ? at::autocast::is_cpu_enabled()
                                             : at::autocast::is_enabled();
#endif
}

void SetAutocastEnabled(c10::DeviceType device_type, bool enabled) {
  CheckAutocastDevice(device_type);
#if NAS_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_enabled(device_type, enabled);
#else
  if (device_type == c10::DeviceType::CPU) {
    at::autocast::set_cpu_enabled(enabled);
  } else {
    at::autocast::set_enabled(enabled);
  }
#endif
}

void SetAutocastDtype(c10::DeviceType device_type, c10::ScalarType dtype) {
  CheckAutocastDevice(device_type);
#if NAS_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_dtype(device_type, dtype);
#else
  if (device_type == c10::DeviceType::CPU) {
    at::autocast::set_autocast_cpu_dtype(dtype);
  } else {
    at::autocast::set_autocast_gpu_dtype(dtype);
  }
#endif
}

}  // namespace nas
