// Internal to //nas: the privileged operations on a Mutable (assigning its
// key, binding it to a mutator, fixing its decision). Not part of the API.
#ifndef NAS_CORE_INTERNAL_MUTABLE_ACCESS_H_
#define NAS_CORE_INTERNAL_MUTABLE_ACCESS_H_

#include <string>

#include "nas/core/mutable.h"

namespace nas {

class MutableAccess {
 public:
  static void set_key(Mutable& m, const std::string& key) { m.key_ = key; }
  static void bind(Mutable& m, BaseMutator* mutator) { m.mutator_ = mutator; }
  static void fix(Mutable& m, const at::Tensor& mask) { m.fix(mask); }
};

}  // namespace nas

#endif  // NAS_CORE_INTERNAL_MUTABLE_ACCESS_H_
