// The c10d process group under Distributed (distributed.h), behind one small
// interface so that Gloo (always built) and NCCL (built only against a
// LibTorch with CUDA and NCCL: nccl_group.cc) plug in the same way, and the
// differences between LibTorch versions (1.13's ProcessGroup base, 2.x's
// Backend) stay inside C10dGroup's template.
//
// Backends register a factory by name in CollectiveBackendRegistry() ("gloo"
// in distributed.cc, "nccl" in nccl_group.cc); Distributed picks one with
// ChooseCollectiveBackend (distributed.h).
#ifndef NAS_TRAIN_COLLECTIVE_GROUP_H_
#define NAS_TRAIN_COLLECTIVE_GROUP_H_

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/util/intrusive_ptr.h>
#include <torch/csrc/distributed/c10d/Types.hpp>

#include "absl/status/statusor.h"
#include "nas/base/registry.h"

namespace c10d {
class Store;
}  // namespace c10d

namespace nas {

class CollectiveGroup {
 public:
  virtual ~CollectiveGroup() = default;
  // In place, on a tensor of device(): the sum over ranks; root's values.
  // (One tensor per call: c10d reads a vector as one tensor per device.)
  virtual void all_reduce_sum(at::Tensor& tensor) = 0;
  virtual void broadcast(at::Tensor& tensor, int root) = 0;
  virtual void barrier() = 0;
  // Where this backend's tensors must live (CPU for Gloo, the rank's GPU for
  // NCCL); Distributed moves buffers there and back.
  virtual at::Device device() const = 0;
};

// Any c10d process group type (ProcessGroupGloo, ProcessGroupNCCL).
template <typename ProcessGroup>
class C10dGroup : public CollectiveGroup {
 public:
  C10dGroup(c10::intrusive_ptr<ProcessGroup> group, at::Device device)
      : group_(std::move(group)), device_(device) {}
  void all_reduce_sum(at::Tensor& tensor) override {
    std::vector<at::Tensor> one = {tensor};
    group_->allreduce(one)->wait();
  }
  void broadcast(at::Tensor& tensor, int root) override {
    std::vector<at::Tensor> one = {tensor};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    group_->broadcast(one, options)->wait();
  }
  void barrier() override { group_->barrier()->wait(); }
  at::Device device() const override { return device_; }

 private:
  c10::intrusive_ptr<ProcessGroup> group_;
  at::Device device_;
};

struct CollectiveGroupSpec {
  c10::intrusive_ptr<c10d::Store> store;
  int rank = 0;
  int world_size = 1;
  // The rank's device for a device backend (NCCL); CPU for Gloo.
  at::Device device = at::Device(at::kCPU);
  // 127.0.0.1 as the master: Gloo binds to loopback.
  bool loopback = true;
  std::chrono::milliseconds timeout{120000};
};

using CollectiveGroupFactory =
    std::function<std::unique_ptr<CollectiveGroup>(const CollectiveGroupSpec& spec)>;

// "gloo" always; "nccl" when this build's LibTorch has NCCL.
Registry<CollectiveGroupFactory>& CollectiveBackendRegistry();

}  // namespace nas

#endif  // NAS_TRAIN_COLLECTIVE_GROUP_H_
