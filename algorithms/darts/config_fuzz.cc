// Fuzz target: the DARTS configuration file (--config), read strictly.
#include <cstddef>
#include <cstdint>

#include "algorithms/darts/config.h"
#include "nas/testing/config_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return nas::testing::FuzzConfig(data, size, nas::darts::DartsConfigFromJson,
                                  nas::darts::DartsConfigToJson);
}
