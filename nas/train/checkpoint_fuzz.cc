// Fuzz target: loading a damaged checkpoint (checkpoint.h). The bytes are
// written with a matching digest, so they get past the integrity check and
// reach LibTorch's archive reader and our checks of every member: the load
// either succeeds or returns an error; a crash or an escaping exception is a
// finding.
//
// The seed (testdata/fuzz/ckpt.pt) is a checkpoint of this fixture, written
// by SaveCheckpoint after one SGD step (so the optimizer has momentum
// buffers); after a change of the checkpoint format, write it again with
//   NAS_FUZZ_WRITE_SEED=nas/train/testdata/fuzz bazel-bin/nas/train/checkpoint_fuzz /dev/null
// and rename the ckpt-*.pt it writes (the .sha256 beside it is not a seed).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "nas/base/file.h"
#include "nas/base/verified_file.h"
#include "nas/train/checkpoint.h"
#include "nas/train/loss_scaler.h"
#include "torch/torch.h"

namespace {

struct Fixture {
  torch::nn::Sequential model{torch::nn::Linear(3, 4), torch::nn::BatchNorm1d(4),
                              torch::nn::Linear(4, 2)};
  torch::optim::SGD optimizer{model->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9)};
  std::map<std::string, double> running_sum{{"loss", 1.5}, {"accuracy", 0.25}};
  int64_t running_count = 2;
  nas::LossScaler scaler;

  nas::CheckpointState State() {
    nas::CheckpointState s;
    s.epoch = 1;
    s.batch = 2;
    s.step = 3;
    s.model = model.get();
    s.optimizers = {{"weights", &optimizer}};
    s.running_sum = &running_sum;
    s.running_count = &running_count;
    s.scaler = &scaler;
    return s;
  }
};

void WriteSeedIfAsked() {
  const char* dir = std::getenv("NAS_FUZZ_WRITE_SEED");
  if (dir == nullptr) return;
  torch::manual_seed(0);
  Fixture f;
  torch::Tensor loss = f.model->forward(torch::randn({8, 3})).square().mean();
  loss.backward();
  f.optimizer.step();
  absl::Status saved = nas::SaveCheckpoint(dir, f.State(), /*keep=*/1);
  if (!saved.ok()) {
    std::fprintf(stderr, "%s\n", saved.ToString().c_str());
    std::exit(1);
  }
}

}  // namespace

// AddressSanitizer's defaults for this target: LibTorch has no frame
// pointers, so only the slow unwinder records the frames that
// nas/testing/lsan_suppressions.txt's LibTorch leak is matched by (a few
// frames deep suffice). Read by ASan at start-up; unused in other builds.
extern "C" const char* __asan_default_options() {
  return "fast_unwind_on_malloc=0:malloc_context_size=8";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool seeded = (WriteSeedIfAsked(), true);
  (void)seeded;
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string file = nas::JoinPath(tmp != nullptr ? tmp : "/tmp",
                                         "checkpoint_fuzz." + std::to_string(getpid()) + ".pt");
  if (!nas::WriteVerifiedFile(file, std::string(reinterpret_cast<const char*>(data), size)).ok()) {
    return 0;
  }
  Fixture f;
  nas::CheckpointState state = f.State();
  (void)nas::LoadCheckpoint(file, &state);
  nas::RemoveVerifiedFile(file);
  return 0;
}
