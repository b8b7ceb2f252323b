// Fuzz target: the DARTS configuration file (--config), read strictly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "algorithms/darts/config.h"
#include "nas/base/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<nas::Json> j =
      nas::ParseJson(absl::string_view(reinterpret_cast<const char*>(data), size), "config.json");
  if (!j.ok()) return 0;
  auto config = nas::darts::DartsConfigFromJson(*j, "config.json: $");
  if (config.ok()) {
    // What --print_config writes reads back.
    if (!nas::darts::DartsConfigFromJson(nas::darts::DartsConfigToJson(*config), "$").ok()) abort();
  }
  return 0;
}
