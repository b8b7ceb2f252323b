// Checkpoint files of the trainer base (trainer.h): what one holds, how it
// is written (atomically, newest `keep` kept) and read back (every part
// checked, errors name the file).
//
//   <output_dir>/checkpoints/ckpt-0000000120.pt    (global step, zero-padded)
//
// One file is a LibTorch archive:
//
// | member                     | what                                       |
// |----------------------------|--------------------------------------------|
// | format                     | "oneshot_nas.checkpoint.v1"                |
// | epoch, batch, step         | where training continues                   |
// | model                      | the weights (nas::WriteWeights layout)     |
// | mutator                    | Mutator::save() (when the trainer has one) |
// | optimizer_<name>           | each registered optimizer's state          |
// | rng, rng_cuda(_device)     | random generators (generator_state.h)      |
// | running_names/_sums/_count | metrics summed since the last log line     |
// | loss_scale(_good_steps)    | fp16 loss scaler                           |
// | extra                      | the subclass's save_extra()                |
#ifndef NAS_TRAIN_CHECKPOINT_H_
#define NAS_TRAIN_CHECKPOINT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <c10/core/Device.h>

#include "absl/status/status.h"
#include "nas/core/torch_fwd.h"

namespace nas {

class LossScaler;
class Mutator;

// Views of everything a checkpoint saves and restores. Pointers may be null
// where a trainer has no such part (mutator, scaler).
struct CheckpointState {
  int64_t epoch = 0;  // the epoch and batch the run continues at
  int64_t batch = 0;
  int64_t step = 0;  // global steps done
  torch::nn::Module* model = nullptr;
  Mutator* mutator = nullptr;
  std::vector<std::pair<std::string, torch::optim::Optimizer*>> optimizers;
  std::map<std::string, double>* running_sum = nullptr;
  int64_t* running_count = nullptr;
  LossScaler* scaler = nullptr;
  // The trainer's device: a CUDA trainer's checkpoints keep its generator.
  c10::Device device = c10::Device(c10::kCPU);
  std::function<void(torch::serialize::OutputArchive&)> save_extra;
  std::function<void(torch::serialize::InputArchive&)> load_extra;
};

// The checkpoints in `dir` (ckpt-*.pt), oldest first; empty when there is
// no such folder.
std::vector<std::string> ListCheckpoints(const std::string& dir);

// Writes `state` as <dir>/ckpt-<step>.pt atomically, then deletes all but
// the newest `keep` checkpoints.
absl::Status SaveCheckpoint(const std::string& dir, const CheckpointState& state, int keep);

// Restores `path` into `state` (its pointers must be set as when saving) and
// sets epoch/batch/step. DataLoss for an unreadable file, InvalidArgument
// naming the file for one that is not this trainer's or does not match the
// model, its optimizers or its mutator.
absl::Status LoadCheckpoint(const std::string& path, CheckpointState* state);

}  // namespace nas

#endif  // NAS_TRAIN_CHECKPOINT_H_
