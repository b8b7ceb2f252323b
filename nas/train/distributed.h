// Data-parallel training across processes on PyTorch's own c10d: NCCL for
// CUDA tensors when the LibTorch has it, Gloo otherwise (CUDA tensors then
// travel through host memory). Rank and world come from the standard
// variables, so torchrun --no-python, Slurm's srun and mpirun all launch our
// binaries:
//
// | variable                      | meaning       | also read                           |
// |-------------------------------|---------------|-------------------------------------|
// | RANK                          | this process  | SLURM_PROCID, OMPI_COMM_WORLD_RANK  |
// | WORLD_SIZE                    | processes     | SLURM_NTASKS, OMPI_COMM_WORLD_SIZE  |
// | LOCAL_RANK                    | on this host  | SLURM_LOCALID, OMPI_COMM_WORLD_LOCAL_RANK |
// | MASTER_ADDR, MASTER_PORT      | rank 0's store| default 127.0.0.1:29500; under srun  |
// |                               |               | over several nodes the step's first |
// |                               |               | node (SLURM_STEP_NODELIST)          |
// | NAS_DIST_BACKEND              | auto, gloo, nccl | default auto (see ChooseCollectiveBackend) |
//
// A rank's device: "cuda" means cuda:LOCAL_RANK (RankDevice), so one process
// per GPU needs no per-rank configuration.
//
// With no variables set the run is single-process and every collective is a
// no-op. A rank that dies makes the others fail within `timeout` with an
// error naming the operation, never hang.
#ifndef NAS_TRAIN_DISTRIBUTED_H_
#define NAS_TRAIN_DISTRIBUTED_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "absl/status/statusor.h"
#include "nas/train/collective_group.h"

namespace nas {

struct DistributedEnv {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  std::string backend = "auto";
};

// Reads the variables above; malformed or inconsistent values are an error
// naming the variable.
absl::StatusOr<DistributedEnv> DistributedEnvFromEnvironment();

// The backend that carries the collectives of tensors on `device`:
//   "auto": NCCL for a CUDA device when this build has it (nccl_available),
//           Gloo otherwise;
//   "gloo": Gloo (CUDA tensors are copied through host memory);
//   "nccl": NCCL; InvalidArgument for a CPU device, FailedPrecondition when
//           this build's LibTorch has no NCCL.
// Anything else is InvalidArgument listing the three.
absl::StatusOr<std::string> ChooseCollectiveBackend(const std::string& requested,
                                                    const at::Device& device, bool nccl_available);
// Whether this build has NCCL (LibTorch with CUDA and NCCL: nccl_group.cc).
bool NcclAvailable();

// This rank's device for a trainer's `device` option: "cuda" becomes
// cuda:LOCAL_RANK; "cpu" and an explicit "cuda:N" stay. InvalidArgument for
// anything else.
absl::StatusOr<std::string> RankDevice(const std::string& device, const DistributedEnv& env);

class Distributed {
 public:
  // Joins the process group (all ranks must call it); single-process when
  // world_size == 1. `device`: where the collectives' tensors live (the
  // rank's device); the backend is chosen from env.backend and it.
  static absl::StatusOr<std::unique_ptr<Distributed>> Create(
      const DistributedEnv& env, std::chrono::milliseconds timeout = std::chrono::seconds(120),
      const at::Device& device = at::Device(at::kCPU));
  ~Distributed();

  int rank() const { return env_.rank; }
  int world_size() const { return env_.world_size; }
  bool is_main() const { return env_.rank == 0; }
  // "gloo" or "nccl" ("" when single-process).
  const std::string& backend() const { return backend_; }

  // In-place mean over ranks of every tensor (flattened into one buffer per
  // dtype and device, one collective each; moved to the backend's device
  // and back when they live elsewhere). Throws c10::Error when a peer is
  // gone.
  void all_reduce_mean(const std::vector<at::Tensor>& tensors);
  double all_reduce_mean(double value);
  // In-place copy of `root`'s tensors to every rank.
  void broadcast(const std::vector<at::Tensor>& tensors, int root = 0);
  void barrier();

 private:
  explicit Distributed(DistributedEnv env);

  DistributedEnv env_;
  std::string backend_;
  c10::intrusive_ptr<c10d::Store> store_;
  std::unique_ptr<CollectiveGroup> group_;
};

}  // namespace nas

#endif  // NAS_TRAIN_DISTRIBUTED_H_
