// "scaffold_example_net": the search space of the scaffold_example package, registered so
// that its binaries and tools can build it by name. Replace it with your
// own (or add more): each layer chooses an operation; from layer 1 on, an
// InputChoice picks which earlier layer's output is added as a skip.
//
//   stem conv3x3 ─> layer 0 ─> layer 1 ─> ... ─> global pool ─> fc
//   layer i: op_i ∈ {conv3x3, conv5x5, maxpool3x3}
//            + skip_i: one of the outputs of layers 0..i-1, or none
//
// | option      | default | meaning                         |
// |-------------|---------|---------------------------------|
// | in_channels | 1       | image channels                  |
// | image_size  | 28      | input height = width            |
// | channels    | 16      | channels of every layer         |
// | layers      | 2       | choice layers                   |
// | classes     | 10      | output logits                   |
#ifndef TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SCAFFOLD_EXAMPLE_SPACE_H_
#define TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SCAFFOLD_EXAMPLE_SPACE_H_

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/space_registry.h"

namespace nas::scaffold_example {

// The model and how to call it (registered as "scaffold_example_net"); options are
// validated strictly ({} = defaults).
absl::StatusOr<BuiltSpace> MakeScaffoldExampleNet(const Json& options);

}  // namespace nas::scaffold_example

#endif  // TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SCAFFOLD_EXAMPLE_SPACE_H_
