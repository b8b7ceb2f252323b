// Conversion between NNI's trial parameters ({"_value", "_idx"} per key) and
// architectures, both ways, validated against a search space: the key set
// must equal the space's, every _idx be in range, and the name at _idx equal
// _value. Layer choices take exactly one candidate; input choices a list
// with no index twice (and n_chosen entries when the space fixes it).
#ifndef NAS_CORE_PARAMETERS_H_
#define NAS_CORE_PARAMETERS_H_

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/architecture.h"
#include "nas/core/search_space.h"

namespace nas {

absl::StatusOr<Architecture> ArchitectureFromParameters(const Json& parameters,
                                                        const SearchSpace& space);

// Fails for weighted (float) decisions and multi-candidate layer choices,
// which NNI's parameters cannot express.
absl::StatusOr<Json> ParametersFromArchitecture(const Architecture& arch, const SearchSpace& space);

}  // namespace nas

#endif  // NAS_CORE_PARAMETERS_H_
