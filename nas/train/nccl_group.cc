// The "nccl" collective backend (collective_group.h): compiled only when the
// build's LibTorch has CUDA and NCCL (third_party/libtorch.bzl's TORCH_NCCL;
// nas/train/BUILD adds this file then), and registered at load, so
// NcclAvailable() is true exactly in such builds. Nothing else in the
// project names NCCL.
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>

#include "nas/train/collective_group.h"

namespace nas {
namespace {

std::unique_ptr<CollectiveGroup> MakeNcclGroup(const CollectiveGroupSpec& spec) {
  auto options = c10d::ProcessGroupNCCL::Options::create();
  options->timeout = spec.timeout;
  return std::make_unique<C10dGroup<c10d::ProcessGroupNCCL>>(
      c10::make_intrusive<c10d::ProcessGroupNCCL>(spec.store, spec.rank, spec.world_size, options),
      spec.device);
}

}  // namespace
}  // namespace nas

NAS_REGISTER(nas::CollectiveBackendRegistry(), "nccl", &nas::MakeNcclGroup);
