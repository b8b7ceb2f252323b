// "small_cnn": a small registered space for images (Fashion-MNIST by
// default), shared by the random and Gumbel packages, the tools, the
// tutorial and the tests. Each layer chooses an operation and which earlier
// layers feed it:
//
//   stem conv3x3 ─> layer 0 ─> layer 1 ─> ... ─> global pool ─> fc
//   layer i: op_i ∈ ops (default {conv3x3, conv5x5, sepconv3x3, maxpool3x3, identity})
//            + skip_i: any subset of the outputs of layers 0..i-1 (summed)
//
// | option      | default   | meaning                                      |
// |-------------|-----------|----------------------------------------------|
// | in_channels | 1         | image channels                               |
// | image_size  | 28        | input height = width                         |
// | channels    | 16        | channels of every layer                      |
// | layers      | 3         | choice layers (1 to 64)                      |
// | classes     | 10        | output logits                                |
// | ops         | all five  | the candidates of every layer, a non-empty   |
// |             |           | subset of the five names, in the order given |
//
// Convolutions are ReLU-conv-BN; sepconv3x3 is a depthwise 3x3 then a
// pointwise 1x1 before the BN. Weights are named op<i>.<candidate>.layers.*.
#ifndef ALGORITHMS_RANDOM_SMALL_CNN_SPACE_H_
#define ALGORITHMS_RANDOM_SMALL_CNN_SPACE_H_

#include <string>
#include <vector>

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
  std::vector<std::string> ops = {"conv3x3", "conv5x5", "sepconv3x3", "maxpool3x3", "identity"};
};

absl::StatusOr<SmallCnnOptions> SmallCnnOptionsFromJson(const Json& j);
Json SmallCnnOptionsToJson(const SmallCnnOptions& options);

// The model and how to call it (registered as "small_cnn").
absl::StatusOr<BuiltSpace> MakeSmallCnn(const Json& options);

}  // namespace nas::random

#endif  // ALGORITHMS_RANDOM_SMALL_CNN_SPACE_H_
