#include "nas/core/space_registry.h"

namespace nas {

Registry<SpaceFactory>& SpaceRegistry() {
  static auto* registry = new Registry<SpaceFactory>("space");
  return *registry;
}

}  // namespace nas
