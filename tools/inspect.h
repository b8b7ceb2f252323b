// //tools:inspect: the cost of an architecture of any registered search
// space, as NAS papers report it: FLOPs (multiply-accumulates of
// convolutions and fully-connected layers, batch 1; see nas/analysis/flops.h) and
// parameters of the fixed child model.
//
//   tools/bazel run //tools:inspect -- --space=small_cnn --architecture=arch.json
//   {
//     "architecture": "/home/me/arch.json",
//     "flops": 1234567,
//     "input_shape": [1, 1, 28, 28],    (one example: batch 1)
//     "parameters": 12345,
//     "space": "small_cnn"
//   }
//
// Without an architecture there is no child to count: the report then holds
// the space's number of choices and the supernet's parameters (every
// candidate), and no flops:
//
//   {"choices": 5, "input_shape": [1, 1, 28, 28], "space": "small_cnn",
//    "supernet_parameters": 34567}
//
// Errors (unknown space, bad options, unreadable or malformed architecture,
// an architecture that does not match the space, an input shape the model
// rejects) are returned, never thrown.
#ifndef TOOLS_INSPECT_H_
#define TOOLS_INSPECT_H_

#include <string>

#include "absl/status/statusor.h"
#include "nas/base/json.h"

namespace nas::tools {

struct InspectOptions {
  std::string space;                    // a SpaceRegistry() name
  Json space_options = Json::object();  // the space's options ({} = defaults)
  std::string architecture;             // path of an architecture file; "" = none
};

// The report above, as a JSON object.
absl::StatusOr<Json> Inspect(const InspectOptions& options);

}  // namespace nas::tools

#endif  // TOOLS_INSPECT_H_
