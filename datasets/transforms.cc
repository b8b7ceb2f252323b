#include "datasets/transforms.h"

#include <algorithm>
#include <random>

#include <ATen/ATen.h>

#include "absl/strings/str_cat.h"
#include "nas/base/status.h"

namespace nas::datasets {

absl::Status TransformOptionsFromJson(const Json& j, const std::string& path,
                                      TransformOptions* out) {
  JsonObjectReader r(j, path);
  r.Optional("normalize", &out->normalize)
      .Optional("crop_padding", &out->crop_padding)
      .Optional("horizontal_flip", &out->horizontal_flip)
      .Optional("cutout", &out->cutout);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (out->crop_padding < 0 || out->cutout < 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": crop_padding and cutout must be >= 0"));
  }
  return absl::OkStatus();
}

at::Tensor ApplyTransforms(const at::Tensor& images, const std::vector<double>& mean,
                           const std::vector<double>& std, const TransformOptions& options,
                           uint64_t seed) {
  TORCH_CHECK(images.dim() == 4 && images.scalar_type() == at::kByte,
              "ApplyTransforms expects uint8 {B, C, H, W}, got ", images.scalar_type(), " ",
              images.sizes());
  const int64_t b = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  at::Tensor x = images.to(at::kFloat).div_(255.0);
  std::mt19937_64 rng(seed);
  if (options.crop_padding > 0) {
    const int64_t p = options.crop_padding;
    at::Tensor padded = at::constant_pad_nd(x, {p, p, p, p}, 0.0);
    at::Tensor out = at::empty_like(x);
    std::uniform_int_distribution<int64_t> offset(0, 2 * p);
    for (int64_t i = 0; i < b; ++i) {
      int64_t dy = offset(rng), dx = offset(rng);
      out[i].copy_(padded[i].narrow(1, dy, h).narrow(2, dx, w));
    }
    x = out;
  }
  if (options.horizontal_flip) {
    for (int64_t i = 0; i < b; ++i) {
      if (rng() & 1) x[i].copy_(x[i].flip({2}));
    }
  }
  if (options.normalize) {
    TORCH_CHECK(static_cast<int64_t>(mean.size()) == c && static_cast<int64_t>(std.size()) == c,
                "normalize: ", c, " channels but ", mean.size(), " means and ", std.size(),
                " stds");
    at::Tensor m = at::tensor(mean, at::kDouble).to(at::kFloat).view({1, c, 1, 1});
    at::Tensor s = at::tensor(std, at::kDouble).to(at::kFloat).view({1, c, 1, 1});
    x = (x - m) / s;
  }
  if (options.cutout > 0) {
    const int64_t half = options.cutout / 2;
    std::uniform_int_distribution<int64_t> cy(0, h - 1), cx(0, w - 1);
    for (int64_t i = 0; i < b; ++i) {
      int64_t y = cy(rng), xc = cx(rng);
      int64_t y0 = std::max<int64_t>(0, y - half), y1 = std::min<int64_t>(h, y + half);
      int64_t x0 = std::max<int64_t>(0, xc - half), x1 = std::min<int64_t>(w, xc + half);
      if (y1 > y0 && x1 > x0) x[i].narrow(1, y0, y1 - y0).narrow(2, x0, x1 - x0).zero_();
    }
  }
  return x;
}

}  // namespace nas::datasets
