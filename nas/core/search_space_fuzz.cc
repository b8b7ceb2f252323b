// Fuzz target: the NNI formats a user hands us: a search space, an
// architecture, a tuner's parameters (read against a fixed small space).
// Whatever parses must write back and parse again to the same thing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "nas/base/json.h"
#include "nas/core/architecture.h"
#include "nas/core/parameters.h"
#include "nas/core/search_space.h"

namespace {

const nas::SearchSpace& FixedSpace() {
  static const nas::SearchSpace* space = [] {
    auto parsed = nas::SearchSpace::from_json(nas::Json::parse(R"({
      "op0": {"_type": "layer_choice", "_value": ["conv3x3", "maxpool3x3", "identity"]},
      "skip": {"_type": "input_choice", "_value": {"candidates": ["a", "b", "c"], "n_chosen": 2}}
    })"));
    return new nas::SearchSpace(*parsed);
  }();
  return *space;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<nas::Json> j =
      nas::ParseJson(absl::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  if (!j.ok()) return 0;
  if (absl::StatusOr<nas::SearchSpace> space = nas::SearchSpace::from_json(*j); space.ok()) {
    absl::StatusOr<nas::SearchSpace> again = nas::SearchSpace::from_json(space->to_json());
    if (!again.ok() || again->to_json() != space->to_json()) abort();
  }
  if (absl::StatusOr<nas::Architecture> arch = nas::Architecture::from_json(*j); arch.ok()) {
    absl::StatusOr<nas::Architecture> again = nas::Architecture::from_json(arch->to_json());
    if (!again.ok() || again->to_json() != arch->to_json()) abort();
  }
  if (absl::StatusOr<nas::Architecture> arch = nas::ArchitectureFromParameters(*j, FixedSpace());
      arch.ok()) {
    (void)nas::ParametersFromArchitecture(*arch, FixedSpace());
  }
  return 0;
}
