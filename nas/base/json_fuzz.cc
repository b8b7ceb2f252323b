// Fuzz target: the strict JSON parser and reader every file goes through.
// Nothing may crash or throw: bad input is a Status.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nas/base/json.h"
#include "nas/base/run_folder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<nas::Json> j = nas::ParseJson(text, "fuzz");
  if (!j.ok()) return 0;
  (void)j->dump();
  (void)nas::JsonDifferences(*j, nas::Json::object(), {"a.b"});
  // The typed reads a configuration does, on whatever members there are.
  nas::JsonObjectReader reader(*j, "fuzz: $");
  int64_t i = 0;
  double d = 0;
  bool b = false;
  std::string s;
  std::vector<int> v;
  std::map<std::string, double> m;
  std::optional<int> o;
  nas::Json any;
  reader.Optional("data", &any).Optional("seed", &i).Optional("lr", &d).Optional("big", &i);
  reader.Optional("progress", &b).Optional("name", &s).Optional("sizes", &v);
  reader.Optional("metrics", &m).Optional("n_chosen", &o).Optional("neg", &d);
  (void)reader.Finish();
  if (j->is_object()) {
    for (auto it = j->begin(); it != j->end(); ++it) {
      (void)nas::JsonGet(it.value(), nas::JsonChildPath("$", it.key()), &d);
      (void)nas::JsonGet(it.value(), nas::JsonChildPath("$", it.key()), &v);
    }
  }
  return 0;
}
