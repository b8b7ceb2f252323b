// The random generators a checkpoint keeps so that a resumed run draws the
// same numbers (dropout masks, sampled paths, shuffles) as an uninterrupted
// one: LibTorch's global CPU generator always, and the CUDA generator of the
// device the trainer runs on when that is a GPU.
//
// In a checkpoint (checkpoint.h):
//
// | member           | what                                                  |
// |------------------|-------------------------------------------------------|
// | rng              | the CPU generator's state (a byte tensor)             |
// | rng_cuda         | the trainer's CUDA device's generator (absent on CPU) |
// | rng_cuda_device  | that device's index                                   |
//
// A checkpoint written on a GPU resumes on a GPU (any index: the state goes
// to the device the resumed trainer runs on); resumed on the CPU its CUDA
// state is not needed and ignored. A CPU checkpoint resumed on a GPU starts
// that GPU's generator from its seed (a warning says so).
//
//   GeneratorStates s = CaptureGeneratorStates(device);
//   WriteGeneratorStates(archive, s);
//   ...
//   NAS_ASSIGN_OR_RETURN(GeneratorStates read, ReadGeneratorStates(archive));
//   NAS_RETURN_IF_ERROR(RestoreGeneratorStates(read, device));
#ifndef NAS_TRAIN_GENERATOR_STATE_H_
#define NAS_TRAIN_GENERATOR_STATE_H_

#include <optional>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nas/core/torch_fwd.h"

namespace nas {

struct GeneratorStates {
  at::Tensor cpu;
  at::Tensor cuda;                   // undefined when not trained on CUDA
  std::optional<int64_t> cuda_device;  // set with `cuda`
};

// LibTorch's default generators for a trainer on `device`.
GeneratorStates CaptureGeneratorStates(const at::Device& device);

void WriteGeneratorStates(torch::serialize::OutputArchive& archive, const GeneratorStates& states);

// InvalidArgument when the CPU state is missing, or the CUDA state comes
// without its device (or the reverse).
absl::StatusOr<GeneratorStates> ReadGeneratorStates(torch::serialize::InputArchive& archive);

// Sets LibTorch's default generators for a trainer on `device` (see above);
// c10::Error from LibTorch for a state that is not a generator's.
absl::Status RestoreGeneratorStates(const GeneratorStates& states, const at::Device& device);

}  // namespace nas

#endif  // NAS_TRAIN_GENERATOR_STATE_H_
