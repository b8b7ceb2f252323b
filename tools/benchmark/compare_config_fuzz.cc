// Fuzz target: the comparison's configuration file (//tools/benchmark:compare --config), read
// strictly.
#include <cstddef>
#include <cstdint>

#include "nas/testing/config_fuzz.h"
#include "tools/benchmark/compare_job.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return nas::testing::FuzzConfig(data, size, nas::benchmark::CompareConfigFromJson,
                                  nas::benchmark::CompareConfigToJson);
}
