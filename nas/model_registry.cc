#include "nas/model_registry.h"

namespace nas {

Registry<ModelFactory>& ModelRegistry() {
  static auto* registry = new Registry<ModelFactory>("search space");
  return *registry;
}

}  // namespace nas
