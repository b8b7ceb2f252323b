// Batch transforms for image classification, deterministic under a seed:
// the same (batch, seed) gives the same output on any machine and with any
// number of loader workers.
//
// | option          | default | what                                          |
// |-----------------|---------|-----------------------------------------------|
// | normalize       | true    | (x / 255 - mean) / std, per channel           |
// | crop_padding    | 0       | random crop of the original size after zero    |
// |                 |         | padding by this many pixels (0 = off)         |
// | horizontal_flip | false   | flip each image with probability 1/2          |
// | cutout          | 0       | zero one random square of this side per image, |
// |                 |         | clipped at the border (DeVries & Taylor 2017) |
#ifndef DATASETS_TRANSFORMS_H_
#define DATASETS_TRANSFORMS_H_

#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

#include "absl/status/status.h"
#include "nas/base/json.h"

namespace nas::datasets {

struct TransformOptions {
  bool normalize = true;
  int crop_padding = 0;
  bool horizontal_flip = false;
  int cutout = 0;
};

absl::Status TransformOptionsFromJson(const Json& j, const std::string& path,
                                      TransformOptions* out);

// `images`: uint8 {B, C, H, W}. Returns float {B, C, H, W}.
at::Tensor ApplyTransforms(const at::Tensor& images, const std::vector<double>& mean,
                           const std::vector<double>& std, const TransformOptions& options,
                           uint64_t seed);

}  // namespace nas::datasets

#endif  // DATASETS_TRANSFORMS_H_
