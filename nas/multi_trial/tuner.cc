#include "nas/multi_trial/tuner.h"

namespace nas {

Registry<TunerFactory>& TunerRegistry() {
  static auto* registry = new Registry<TunerFactory>("tuner");
  return *registry;
}

}  // namespace nas
