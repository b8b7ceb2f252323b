#include "nas/core/space_registry.h"

#include "absl/strings/str_cat.h"

namespace nas {

Registry<SpaceFactory>& SpaceRegistry() {
  static auto* registry = new Registry<SpaceFactory>("space");
  return *registry;
}

absl::Status CheckAtMost(const std::string& option, int64_t value, int64_t most) {
  if (value <= most) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(option, " must be <= ", most, ", got ", value));
}

}  // namespace nas
