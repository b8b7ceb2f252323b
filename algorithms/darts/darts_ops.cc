#include "algorithms/darts/darts_ops.h"

#include <torch/nn/modules/linear.h>

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include "absl/strings/str_join.h"
#include "nas/base/torch/memory_format.h"

namespace nas::darts {

const std::vector<std::string>& DartsOpNames() {
  static const std::vector<std::string> names = {"none",         "max_pool_3x3", "avg_pool_3x3",
                                                 "skip_connect", "sep_conv_3x3", "sep_conv_5x5",
                                                 "dil_conv_3x3", "dil_conv_5x5"};
  return names;
}

bool IsParameterFree(const std::string& op) {
  return op == "max_pool_3x3" || op == "avg_pool_3x3" || op == "skip_connect";
}

namespace {

torch::nn::BatchNorm2d MakeBn(int64_t channels, bool affine) {
  return torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(channels).affine(affine));
}

torch::nn::Conv2d MakeConv(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding,
                           int64_t dilation = 1, int64_t groups = 1) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                               .stride(stride)
                               .padding(padding)
                               .dilation(dilation)
                               .groups(groups)
                               .bias(false));
}

}  // namespace

at::Tensor ZeroImpl::forward(at::Tensor x) {
  if (stride_ == 1) return x.mul(0.);
  return x
      .index({at::indexing::Slice(), at::indexing::Slice(),
              at::indexing::Slice(at::indexing::None, at::indexing::None, stride_),
              at::indexing::Slice(at::indexing::None, at::indexing::None, stride_)})
      .mul(0.);
}

ReluConvBnImpl::ReluConvBnImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride,
                               int64_t padding, bool affine)
    : in_(in), out_(out), kernel_(kernel), stride_(stride), padding_(padding), affine_(affine) {
  reset();
}

void ReluConvBnImpl::reset() {
  conv_ = register_module("conv", MakeConv(in_, out_, kernel_, stride_, padding_));
  bn_ = register_module("bn", MakeBn(out_, affine_));
}

at::Tensor ReluConvBnImpl::forward(at::Tensor x) { return bn_(conv_(at::relu(x))); }

FactorizedReduceImpl::FactorizedReduceImpl(int64_t in, int64_t out, bool affine)
    : in_(in), out_(out), affine_(affine) {
  TORCH_CHECK(out % 2 == 0, "FactorizedReduce needs an even number of output channels, got ", out);
  reset();
}

void FactorizedReduceImpl::reset() {
  conv1_ = register_module("conv1", MakeConv(in_, out_ / 2, 1, 2, 0));
  conv2_ = register_module("conv2", MakeConv(in_, out_ / 2, 1, 2, 0));
  bn_ = register_module("bn", MakeBn(out_, affine_));
}

at::Tensor FactorizedReduceImpl::forward(at::Tensor x) {
  x = at::relu(x);
  // The second branch sees the input shifted by one pixel (right and down),
  // so together the two stride-2 convs see every pixel. Odd sizes are padded
  // so both branches have the same output size.
  // (x padded by one at the end, then its first row and column dropped; the
  // slices keep x's memory format in the gradient.)
  at::Tensor shifted = at::constant_pad_nd(
      SliceKeepingFormat(SliceKeepingFormat(x, 2, 1), 3, 1), {0, 1, 0, 1});
  return bn_(at::cat({conv1_(x), conv2_(shifted)}, 1));
}

PoolBnImpl::PoolBnImpl(bool max, int64_t channels, int64_t stride, bool bn)
    : max_(max), channels_(channels), stride_(stride), with_bn_(bn) {
  reset();
}

void PoolBnImpl::reset() {
  if (with_bn_) bn_ = register_module("bn", MakeBn(channels_, /*affine=*/false));
}

at::Tensor PoolBnImpl::forward(at::Tensor x) {
  at::Tensor y = max_ ? at::max_pool2d(x, {3, 3}, {stride_, stride_}, {1, 1})
                      : at::avg_pool2d(x, {3, 3}, {stride_, stride_}, {1, 1}, /*ceil_mode=*/false,
                                       /*count_include_pad=*/false);
  return with_bn_ ? bn_(y) : y;
}

DilConvImpl::DilConvImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding,
                         int64_t dilation, bool affine)
    : in_(in),
      out_(out),
      kernel_(kernel),
      stride_(stride),
      padding_(padding),
      dilation_(dilation),
      affine_(affine) {
  reset();
}

void DilConvImpl::reset() {
  depthwise_ =
      register_module("depthwise", MakeConv(in_, in_, kernel_, stride_, padding_, dilation_, in_));
  pointwise_ = register_module("pointwise", MakeConv(in_, out_, 1, 1, 0));
  bn_ = register_module("bn", MakeBn(out_, affine_));
}

at::Tensor DilConvImpl::forward(at::Tensor x) { return bn_(pointwise_(depthwise_(at::relu(x)))); }

SepConvImpl::SepConvImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding,
                         bool affine)
    : in_(in), out_(out), kernel_(kernel), stride_(stride), padding_(padding), affine_(affine) {
  reset();
}

void SepConvImpl::reset() {
  first_ = register_module("first", DilConv(in_, in_, kernel_, stride_, padding_, 1, affine_));
  second_ = register_module("second", DilConv(in_, out_, kernel_, 1, padding_, 1, affine_));
}

at::Tensor SepConvImpl::forward(at::Tensor x) { return second_(first_(x)); }

torch::nn::AnyModule MakeOp(const std::string& name, const OpOptions& o) {
  const int64_t c = o.channels;
  const int64_t s = o.stride;
  if (name == "none") return torch::nn::AnyModule(Zero(s));
  if (name == "max_pool_3x3") return torch::nn::AnyModule(PoolBn(true, c, s, o.pool_bn));
  if (name == "avg_pool_3x3") return torch::nn::AnyModule(PoolBn(false, c, s, o.pool_bn));
  if (name == "skip_connect") {
    if (s == 1) return torch::nn::AnyModule(torch::nn::Identity());
    return torch::nn::AnyModule(FactorizedReduce(c, c, o.affine));
  }
  if (name == "sep_conv_3x3") return torch::nn::AnyModule(SepConv(c, c, 3, s, 1, o.affine));
  if (name == "sep_conv_5x5") return torch::nn::AnyModule(SepConv(c, c, 5, s, 2, o.affine));
  if (name == "dil_conv_3x3") return torch::nn::AnyModule(DilConv(c, c, 3, s, 2, 2, o.affine));
  if (name == "dil_conv_5x5") return torch::nn::AnyModule(DilConv(c, c, 5, s, 4, 2, o.affine));
  TORCH_CHECK(false, "unknown DARTS operation '", name,
              "'; known: ", absl::StrJoin(DartsOpNames(), ", "));
}

at::Tensor DropPath(const at::Tensor& x, double drop_prob) {
  if (drop_prob <= 0) return x;
  const double keep = 1.0 - drop_prob;
  at::Tensor mask = at::empty({x.size(0), 1, 1, 1}, x.options()).bernoulli_(keep);
  return x.div(keep).mul(mask);
}

}  // namespace nas::darts
