// Fuzz target: the benchmark table generator's configuration file (//algorithms/nasbench:generate
// --config), read strictly.
#include <cstddef>
#include <cstdint>

#include "algorithms/nasbench/table_job.h"
#include "nas/testing/config_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return nas::testing::FuzzConfig(data, size, nas::nasbench::TableConfigFromJson,
                                  nas::nasbench::TableConfigToJson);
}
