// "small_cnn": a small registered search space for images (Fashion-MNIST by
// default), used by the random package's binaries, //tools:ss_gen and the
// docs. Each layer chooses an operation and which earlier layers feed it:
//
//   stem conv3x3 ─> layer 0 ─> layer 1 ─> ... ─> global pool ─> fc
//   layer i: op_i ∈ {conv3x3, conv5x5, sepconv3x3, maxpool3x3, identity}
//            + skip_i: any subset of the outputs of layers 0..i-1 (summed)
//
// | option      | default | meaning                         |
// |-------------|---------|---------------------------------|
// | in_channels | 1       | image channels                  |
// | image_size  | 28      | input height = width            |
// | channels    | 16      | channels of every layer         |
// | layers      | 3       | choice layers                   |
// | classes     | 10      | output logits                   |
#ifndef ALGORITHMS_RANDOM_SMALL_CNN_H_
#define ALGORITHMS_RANDOM_SMALL_CNN_H_

#include <memory>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/space_registry.h"

namespace nas::random {

struct SmallCnnOptions {
  int in_channels = 1;
  int image_size = 28;
  int channels = 16;
  int layers = 3;
  int classes = 10;
};

absl::StatusOr<SmallCnnOptions> SmallCnnOptionsFromJson(const Json& j);

// The model and how to call it (registered as "small_cnn").
absl::StatusOr<BuiltSpace> MakeSmallCnn(const Json& options);

}  // namespace nas::random

#endif  // ALGORITHMS_RANDOM_SMALL_CNN_H_
