// Fuzz target: the SPOS configuration file (--config), read strictly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "algorithms/spos/config.h"
#include "nas/base/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<nas::Json> j =
      nas::ParseJson(absl::string_view(reinterpret_cast<const char*>(data), size), "config.json");
  if (!j.ok()) return 0;
  auto config = nas::spos::SposConfigFromJson(*j, "config.json: $");
  if (config.ok()) {
    // What --print_config writes reads back.
    if (!nas::spos::SposConfigFromJson(nas::spos::SposConfigToJson(*config), "$").ok()) abort();
  }
  return 0;
}
