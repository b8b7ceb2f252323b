// Fuzz target: the random-path supernet training's configuration file
// (//algorithms/random:train --config), read strictly.
#include <cstddef>
#include <cstdint>

#include "algorithms/random/train_job.h"
#include "nas/testing/config_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return nas::testing::FuzzSupernetConfig(data, size, nas::random::TrainConfigSchema());
}
