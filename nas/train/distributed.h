// Data-parallel training across processes on PyTorch's own c10d (Gloo on
// CPU). Rank and world come from the standard variables, so torchrun
// --no-python, Slurm's srun and mpirun all launch our binaries:
//
// | variable                      | meaning       | also read                           |
// |-------------------------------|---------------|-------------------------------------|
// | RANK                          | this process  | SLURM_PROCID, OMPI_COMM_WORLD_RANK  |
// | WORLD_SIZE                    | processes     | SLURM_NTASKS, OMPI_COMM_WORLD_SIZE  |
// | LOCAL_RANK                    | on this host  | SLURM_LOCALID, OMPI_COMM_WORLD_LOCAL_RANK |
// | MASTER_ADDR, MASTER_PORT      | rank 0's store| default 127.0.0.1:29500             |
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

#include "absl/status/statusor.h"

namespace nas {

struct DistributedEnv {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
};

// Reads the variables above; malformed or inconsistent values are an error
// naming the variable.
absl::StatusOr<DistributedEnv> DistributedEnvFromEnvironment();

class Distributed {
 public:
  // Joins the process group (all ranks must call it); single-process when
  // world_size == 1.
  static absl::StatusOr<std::unique_ptr<Distributed>> Create(
      const DistributedEnv& env, std::chrono::milliseconds timeout = std::chrono::seconds(120));
  ~Distributed();

  int rank() const { return env_.rank; }
  int world_size() const { return env_.world_size; }
  bool is_main() const { return env_.rank == 0; }

  // In-place mean over ranks of every tensor (flattened into one buffer per
  // dtype, one collective). Throws c10::Error when a peer is gone.
  void all_reduce_mean(const std::vector<at::Tensor>& tensors);
  double all_reduce_mean(double value);
  // In-place copy of `root`'s tensors to every rank.
  void broadcast(const std::vector<at::Tensor>& tensors, int root = 0);
  void barrier();

 private:
  explicit Distributed(DistributedEnv env);
  struct Group;

  DistributedEnv env_;
  std::unique_ptr<Group> group_;
};

}  // namespace nas

#endif  // NAS_TRAIN_DISTRIBUTED_H_
