#include "nas/base/torch/memory_format.h"

#include <torch/autograd.h>
#include <torch/nn/module.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"

namespace nas {
namespace {

// `x` laid out with exactly `format`'s strides. A tensor with a dimension of
// 1 (a depthwise or 1 x 1 convolution's weight, one-channel images) is
// contiguous in both formats, and LibTorch then reads its strides as NCHW
// (suggest_memory_format), which decides the format a convolution runs in;
// contiguous(format) would leave it as it is.
at::Tensor WithStridesOf(const at::Tensor& x, at::MemoryFormat format) {
  if (x.suggest_memory_format() == format &&
      x.is_contiguous(format)) {
    return x;
  }
  return at::empty_like(x, x.options().memory_format(format)).copy_(x);
}

class FormatKeepingSlice : public torch::autograd::Function<FormatKeepingSlice> {
 public:
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx,
                                                const at::Tensor& x, int64_t dim, int64_t start,
                                                int64_t end, int64_t step) {
    ctx->saved_data["sizes"] = x.sizes();
    ctx->saved_data["format"] = static_cast<int64_t>(x.suggest_memory_format());
    ctx->saved_data["dim"] = dim;
    ctx->saved_data["start"] = start;
    ctx->saved_data["end"] = end;
    ctx->saved_data["step"] = step;
    return {x.slice(dim, start, end, step)};
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto format = static_cast<at::MemoryFormat>(ctx->saved_data["format"].toInt());
    at::Tensor grad = at::zeros(ctx->saved_data["sizes"].toIntVector(),
                                grads[0].options().memory_format(format));
    grad.slice(ctx->saved_data["dim"].toInt(), ctx->saved_data["start"].toInt(),
               ctx->saved_data["end"].toInt(), ctx->saved_data["step"].toInt())
        .copy_(grads[0]);
    return {grad, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

absl::StatusOr<at::MemoryFormat> ParseMemoryFormat(const std::string& name) {
  if (name == "contiguous") return at::MemoryFormat::Contiguous;
  if (name == "channels_last") return at::MemoryFormat::ChannelsLast;
  return absl::InvalidArgumentError(
      absl::StrCat("memory format '", name, "' is not one of contiguous, channels_last"));
}

std::string MemoryFormatName(at::MemoryFormat format) {
  return format == at::MemoryFormat::ChannelsLast ? "channels_last" : "contiguous";
}

void ToMemoryFormat(torch::nn::Module& module, at::MemoryFormat format) {
  torch::NoGradGuard no_grad;
  for (at::Tensor& p : module.parameters()) {
    if (p.dim() == 4) {
      at::Tensor laid_out = WithStridesOf(p, format);
      if (!laid_out.is_same(p)) p.set_data(laid_out);
    }
  }
  for (at::Tensor& b : module.buffers()) {
    if (b.dim() == 4) {
      at::Tensor laid_out = WithStridesOf(b, format);
      if (!laid_out.is_same(b)) b.set_data(laid_out);
    }
  }
}

at::Tensor InMemoryFormat(const at::Tensor& x, at::MemoryFormat format) {
  return x.dim() == 4 ? WithStridesOf(x, format) : x;
}

at::Tensor GlobalAveragePool(const at::Tensor& x) {
  TORCH_CHECK(x.dim() == 4, "GlobalAveragePool needs an [N, C, H, W] tensor, got ", x.sizes());
  if (x.suggest_memory_format() != at::MemoryFormat::ChannelsLast) return x.mean({2, 3});
  // NHWC in memory: average over the middle of [N, H*W, C]; the backward of
  // this view keeps the gradient in NHWC.
  return x.permute({0, 2, 3, 1}).flatten(1, 2).mean(1);
}

at::Tensor SliceKeepingFormat(const at::Tensor& x, int64_t dim, int64_t start, int64_t end,
                              int64_t step) {
  return FormatKeepingSlice::apply(x, dim, start, end, step)[0];
}

}  // namespace nas
