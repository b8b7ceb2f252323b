// Fuzz target: the Gumbel search's configuration file (--config), read
// strictly.
#include <cstddef>
#include <cstdint>

#include "algorithms/gumbel/search_job.h"
#include "nas/testing/config_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return nas::testing::FuzzSupernetConfig(data, size, nas::gumbel::SearchConfigSchema());
}
