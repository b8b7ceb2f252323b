// Forward declarations of the LibTorch types that the core's headers only
// name, so those headers stay cheap to include (a translation unit that
// includes <torch/torch.h> costs about 17 s to compile here).
#ifndef NAS_CORE_TORCH_FWD_H_
#define NAS_CORE_TORCH_FWD_H_

namespace torch {
namespace nn {
class Module;
}  // namespace nn
namespace optim {
class Optimizer;
}  // namespace optim
namespace serialize {
class InputArchive;
class OutputArchive;
}  // namespace serialize
}  // namespace torch

#endif  // NAS_CORE_TORCH_FWD_H_
