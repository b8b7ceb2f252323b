#include "nas/train/generator_state.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "absl/strings/str_cat.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"

namespace nas {
namespace {

// The default generator of a CUDA device, through LibTorch's device-generic
// entry (no CUDA headers: this compiles against a CPU LibTorch, where it is
// only reached with a CUDA device, i.e. never).
at::Generator CudaGenerator(const at::Device& device) {
  return at::globalContext().defaultGenerator(
      at::Device(at::kCUDA, device.has_index() ? device.index() : 0));
}

}  // namespace

GeneratorStates CaptureGeneratorStates(const at::Device& device) {
  GeneratorStates states;
  states.cpu = at::detail::getDefaultCPUGenerator().get_state();
  if (device.is_cuda()) {
    states.cuda = CudaGenerator(device).get_state();
    states.cuda_device = device.has_index() ? device.index() : 0;
  }
  return states;
}

void WriteGeneratorStates(torch::serialize::OutputArchive& archive, const GeneratorStates& s) {
  archive.write("rng", s.cpu);
  if (s.cuda.defined()) {
    archive.write("rng_cuda", s.cuda);
    archive.write("rng_cuda_device", c10::IValue(s.cuda_device.value_or(0)));
  }
}

absl::StatusOr<GeneratorStates> ReadGeneratorStates(torch::serialize::InputArchive& archive) {
  GeneratorStates s;
  if (!archive.try_read("rng", s.cpu)) {
    return absl::InvalidArgumentError("no state of the CPU random generator (rng)");
  }
  at::Tensor cuda;
  c10::IValue device;
  const bool has_state = archive.try_read("rng_cuda", cuda);
  const bool has_device = archive.try_read("rng_cuda_device", device);
  if (has_state != has_device || (has_device && !device.isInt())) {
    return absl::InvalidArgumentError(
        "the CUDA generator's state (rng_cuda) and its device (rng_cuda_device) must come "
        "together");
  }
  if (has_state) {
    s.cuda = cuda;
    s.cuda_device = device.toInt();
  }
  return s;
}

absl::Status RestoreGeneratorStates(const GeneratorStates& s, const at::Device& device) {
  return CatchExceptions([&] {
    at::Generator cpu = at::detail::getDefaultCPUGenerator();
    cpu.set_state(s.cpu);
    if (!device.is_cuda()) return absl::OkStatus();  // a CUDA state is not needed on CPU
    if (!s.cuda.defined()) {
      LOG(WARNING) << "the checkpoint was written by a CPU run: the generator of " << device
                   << " starts from its seed, so random draws on it differ from an "
                      "uninterrupted run";
      return absl::OkStatus();
    }
    at::Generator cuda = CudaGenerator(device);
    cuda.set_state(s.cuda);
    return absl::OkStatus();
  });
}

}  // namespace nas
