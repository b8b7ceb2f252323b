// Fuzz target: the ENAS configuration file (--config), read strictly.
#include <cstddef>
#include <cstdint>

#include "algorithms/enas/config.h"
#include "nas/testing/config_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return nas::testing::FuzzConfig(data, size, nas::enas::EnasConfigFromJson,
                                  nas::enas::EnasConfigToJson);
}
