// The body of a configuration file's fuzz target (tools/cc.bzl's
// nas_fuzz_test): the bytes are read as a --config file would be, strictly,
// and a configuration that reads must print (--print_config) to JSON that
// reads back. Anything but a clean error is a finding: a crash, an
// exception escaping the reader, or a printed configuration it refuses.
//
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
//     return nas::testing::FuzzConfig(data, size, nas::darts::DartsConfigFromJson,
//                                     nas::darts::DartsConfigToJson);
//   }
//
// or, for a package on the shared supernet schema,
//   return nas::testing::FuzzSupernetConfig(data, size, nas::gumbel::SearchConfigSchema());
#ifndef NAS_TESTING_CONFIG_FUZZ_H_
#define NAS_TESTING_CONFIG_FUZZ_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nas/base/json.h"
#include "nas/jobs/supernet_config.h"

namespace nas::testing {

// `from_json(json, source)` returns absl::StatusOr<Config>, `to_json(config)`
// a Json.
template <typename FromJson, typename ToJson>
int FuzzConfig(const uint8_t* data, size_t size, FromJson from_json, ToJson to_json) {
  absl::StatusOr<Json> j =
      ParseJson(absl::string_view(reinterpret_cast<const char*>(data), size), "config.json");
  if (!j.ok()) return 0;
  auto config = from_json(*j, "config.json: $");
  if (!config.ok()) return 0;
  auto again = from_json(to_json(*config), "printed: $");
  if (!again.ok()) {
    std::fprintf(stderr, "the printed configuration does not read back: %s\n",
                 std::string(again.status().message()).c_str());
    abort();
  }
  return 0;
}

// The same for a configuration of the shared supernet schema
// (nas/jobs/supernet_config.h: random, Gumbel and the scaffold's packages).
template <typename Algorithm>
int FuzzSupernetConfig(const uint8_t* data, size_t size,
                       const SupernetConfigSchema<Algorithm>& schema) {
  return FuzzConfig(
      data, size,
      [&](const Json& j, const std::string& source) {
        return SupernetConfigFromJson(schema, j, source);
      },
      [&](const SupernetConfig<Algorithm>& c) { return SupernetConfigToJson(schema, c); });
}

}  // namespace nas::testing

#endif  // NAS_TESTING_CONFIG_FUZZ_H_
