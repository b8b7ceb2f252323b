// "gumbel_cnn": the small image search space of the gumbel package (its own:
// algorithm packages never depend on each other). Each layer chooses an
// operation and, from layer 1 on, which earlier layers to add as skips (an
// InputChoice with n_chosen unset: GumbelMutator gives each a Bernoulli).
//
//   stem conv3x3 ─> layer 0 ─> layer 1 ─> ... ─> global pool ─> fc
//   layer i: op_i ∈ {conv3x3, conv5x5, maxpool3x3, identity}
//            + skip_i: any subset of the outputs of layers 0..i-1 (summed)
//
// | option      | default | meaning                         |
// |-------------|---------|---------------------------------|
// | in_channels | 1       | image channels                  |
// | image_size  | 28      | input height = width            |
// | channels    | 16      | channels of every layer         |
// | layers      | 3       | choice layers                   |
// | classes     | 10      | output logits                   |
#ifndef ALGORITHMS_GUMBEL_GUMBEL_SPACE_H_
#define ALGORITHMS_GUMBEL_GUMBEL_SPACE_H_

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/space_registry.h"

namespace nas::gumbel {

// The model and how to call it (registered as "gumbel_cnn"); options are
// validated strictly.
absl::StatusOr<BuiltSpace> MakeGumbelCnn(const Json& options);

}  // namespace nas::gumbel

#endif  // ALGORITHMS_GUMBEL_GUMBEL_SPACE_H_
