#include "algorithms/enas/ops.h"

#include <torch/nn/functional/padding.h>
#include <torch/nn/functional/pooling.h>
#include <torch/nn/options/conv.h>

#include "nas/base/torch/memory_format.h"

namespace nas::enas {

using torch::nn::BatchNorm2dOptions;
using torch::nn::Conv2dOptions;

namespace {
BatchNorm2dOptions NoAffine(int64_t c) { return BatchNorm2dOptions(c).affine(false); }
}  // namespace

StdConvImpl::StdConvImpl(int64_t in_channels, int64_t out_channels)
    : in_(in_channels), out_(out_channels) {
  reset();
}

void StdConvImpl::reset() {
  conv_ = register_module("conv", torch::nn::Conv2d(Conv2dOptions(in_, out_, 1).bias(false)));
  bn_ = register_module("bn", torch::nn::BatchNorm2d(NoAffine(out_)));
}

at::Tensor StdConvImpl::forward(at::Tensor x) { return at::relu(bn_(conv_(x))); }

ConvBranchImpl::ConvBranchImpl(int64_t in_channels, int64_t out_channels, int64_t kernel,
                               bool separable)
    : in_(in_channels), out_(out_channels), kernel_(kernel), separable_(separable) {
  reset();
}

void ConvBranchImpl::reset() {
  preproc_ = register_module("preproc", StdConv(in_, out_));
  conv_ = torch::nn::Sequential();
  if (separable_) {
    conv_->push_back(torch::nn::Conv2d(
        Conv2dOptions(out_, out_, kernel_).padding(kernel_ / 2).groups(out_).bias(false)));
    conv_->push_back(torch::nn::Conv2d(Conv2dOptions(out_, out_, 1).bias(false)));
  } else {
    conv_->push_back(
        torch::nn::Conv2d(Conv2dOptions(out_, out_, kernel_).padding(kernel_ / 2).bias(false)));
  }
  conv_->push_back(torch::nn::BatchNorm2d(NoAffine(out_)));
  register_module("conv", conv_);
}

at::Tensor ConvBranchImpl::forward(at::Tensor x) { return at::relu(conv_->forward(preproc_(x))); }

PoolBranchImpl::PoolBranchImpl(std::string type, int64_t in_channels, int64_t out_channels,
                               int64_t kernel)
    : type_(std::move(type)), in_(in_channels), out_(out_channels), kernel_(kernel) {
  TORCH_CHECK(type_ == "avg" || type_ == "max", "pool type must be avg or max, got ", type_);
  reset();
}

void PoolBranchImpl::reset() {
  if (in_ > 0) preproc_ = register_module("preproc", StdConv(in_, out_));
}

at::Tensor PoolBranchImpl::forward(at::Tensor x) {
  if (preproc_) x = preproc_(x);
  if (type_ == "avg") {
    return at::avg_pool2d(x, {kernel_, kernel_}, {1, 1}, {kernel_ / 2, kernel_ / 2},
                          /*ceil_mode=*/false,
                          /*count_include_pad=*/false);
  }
  return at::max_pool2d(x, {kernel_, kernel_}, {1, 1}, {kernel_ / 2, kernel_ / 2});
}

SepConvBNImpl::SepConvBNImpl(int64_t channels, int64_t kernel)
    : channels_(channels), kernel_(kernel) {
  reset();
}

void SepConvBNImpl::reset() {
  depthwise_ =
      register_module("depthwise", torch::nn::Conv2d(Conv2dOptions(channels_, channels_, kernel_)
                                                         .padding(kernel_ / 2)
                                                         .groups(channels_)
                                                         .bias(false)));
  pointwise_ = register_module(
      "pointwise", torch::nn::Conv2d(Conv2dOptions(channels_, channels_, 1).bias(false)));
  bn_ = register_module("bn", torch::nn::BatchNorm2d(NoAffine(channels_)));
}

at::Tensor SepConvBNImpl::forward(at::Tensor x) { return bn_(pointwise_(depthwise_(at::relu(x)))); }

FactorizedReduceImpl::FactorizedReduceImpl(int64_t in_channels, int64_t out_channels)
    : in_(in_channels), out_(out_channels) {
  TORCH_CHECK(out_ >= 2, "FactorizedReduce needs at least 2 output channels");
  reset();
}

void FactorizedReduceImpl::reset() {
  conv1_ = register_module(
      "conv1", torch::nn::Conv2d(Conv2dOptions(in_, out_ / 2, 1).stride(2).bias(false)));
  conv2_ = register_module(
      "conv2", torch::nn::Conv2d(Conv2dOptions(in_, out_ - out_ / 2, 1).stride(2).bias(false)));
  bn_ = register_module("bn", torch::nn::BatchNorm2d(NoAffine(out_)));
}

at::Tensor FactorizedReduceImpl::forward(at::Tensor x) {
  x = at::relu(x);
  // The second path sees the image shifted by one pixel (padded at the far
  // edge), so both halves have ceil(H/2) x ceil(W/2) outputs.
  // x[:, :, 1:, 1:] padded by one at the end; the gradient keeps x's format.
  at::Tensor shifted =
      at::constant_pad_nd(SliceKeepingFormat(SliceKeepingFormat(x, 2, 1), 3, 1), {0, 1, 0, 1}, 0);
  return bn_(at::cat({conv1_(x), conv2_(shifted)}, 1));
}

}  // namespace nas::enas
