// The eight candidate operations of DARTS (Liu et al., ICLR 2019,
// https://arxiv.org/abs/1806.09055), in the original order, and the cell
// plumbing around them.
//
//   index name          what (C channels in and out, stride s)
//   0     none          zeros (subsampled by s)
//   1     max_pool_3x3  max pool 3x3 / s  [+ BN(affine=false) in the search net]
//   2     avg_pool_3x3  avg pool 3x3 / s, padding not counted  [+ BN likewise]
//   3     skip_connect  identity; a factorized reduce when s = 2
//   4     sep_conv_3x3  (ReLU - depthwise 3x3 - pointwise - BN) x 2, only the
//   5     sep_conv_5x5    first depthwise with stride s
//   6     dil_conv_3x3  ReLU - depthwise 3x3 dilation 2 - pointwise - BN
//   7     dil_conv_5x5  ReLU - depthwise 5x5 dilation 2 - pointwise - BN
//
// Convolutions carry no bias; BN is affine or not per `affine` (the search
// network uses affine = false throughout, the evaluation network true).
//
//   x ──┬─ conv1x1 / 2 ───────────────┐
//       └─ shift 1 px ─ conv1x1 / 2 ──┴─ concat ─ BN     FactorizedReduce
#ifndef ALGORITHMS_DARTS_DARTS_OPS_H_
#define ALGORITHMS_DARTS_DARTS_OPS_H_

#include <string>
#include <vector>

#include <torch/nn/cloneable.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace nas::darts {

// The DARTS operation names, in the original order ("none" first).
const std::vector<std::string>& DartsOpNames();

// True for the operations without parameters (pooling, skip): the ones a
// collapsing search converges to. "none" is never exported, so it is not
// counted.
bool IsParameterFree(const std::string& op);

// Zeros shaped like the op's output.
class ZeroImpl : public torch::nn::Cloneable<ZeroImpl> {
 public:
  explicit ZeroImpl(int64_t stride) : stride_(stride) {}
  void reset() override {}
  at::Tensor forward(at::Tensor x);

 private:
  int64_t stride_;
};
TORCH_MODULE(Zero);

// ReLU - conv(kernel, stride, padding) - BN: the cells' preprocessing.
class ReluConvBnImpl : public torch::nn::Cloneable<ReluConvBnImpl> {
 public:
  ReluConvBnImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding,
                 bool affine);
  void reset() override;
  at::Tensor forward(at::Tensor x);

 private:
  int64_t in_, out_, kernel_, stride_, padding_;
  bool affine_;
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(ReluConvBn);

// Halves the resolution without losing pixels: two 1x1 stride-2 convs, the
// second on the input shifted by one pixel, concatenated, then BN.
class FactorizedReduceImpl : public torch::nn::Cloneable<FactorizedReduceImpl> {
 public:
  FactorizedReduceImpl(int64_t in, int64_t out, bool affine);
  void reset() override;
  at::Tensor forward(at::Tensor x);

 private:
  int64_t in_, out_;
  bool affine_;
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(FactorizedReduce);

// Pooling, optionally followed by non-affine BN (the search network's
// pooling, so that its scale matches the parametric ops').
class PoolBnImpl : public torch::nn::Cloneable<PoolBnImpl> {
 public:
  PoolBnImpl(bool max, int64_t channels, int64_t stride, bool bn);
  void reset() override;
  at::Tensor forward(at::Tensor x);

 private:
  bool max_;
  int64_t channels_, stride_;
  bool with_bn_;
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(PoolBn);

// ReLU - depthwise (kernel, stride, dilation) - pointwise - BN.
class DilConvImpl : public torch::nn::Cloneable<DilConvImpl> {
 public:
  DilConvImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding,
              int64_t dilation, bool affine);
  void reset() override;
  at::Tensor forward(at::Tensor x);

 private:
  int64_t in_, out_, kernel_, stride_, padding_, dilation_;
  bool affine_;
  torch::nn::Conv2d depthwise_{nullptr}, pointwise_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(DilConv);

// Two DilConvs with dilation 1; only the first carries the stride.
class SepConvImpl : public torch::nn::Cloneable<SepConvImpl> {
 public:
  SepConvImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding,
              bool affine);
  void reset() override;
  at::Tensor forward(at::Tensor x);

 private:
  int64_t in_, out_, kernel_, stride_, padding_;
  bool affine_;
  DilConv first_{nullptr}, second_{nullptr};
};
TORCH_MODULE(SepConv);

struct OpOptions {
  OpOptions(int64_t channels, int64_t stride, bool affine, bool pool_bn)
      : channels(channels), stride(stride), affine(affine), pool_bn(pool_bn) {}
  int64_t channels;
  int64_t stride;
  bool affine;
  bool pool_bn;
};

// The operation `name` (one of DartsOpNames()); throws c10::Error naming
// the known ones otherwise.
torch::nn::AnyModule MakeOp(const std::string& name, const OpOptions& options);

// Zeroes whole examples with probability `drop_prob` and rescales the rest
// (drop-path of the evaluation network). Identity when drop_prob == 0.
at::Tensor DropPath(const at::Tensor& x, double drop_prob);

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_DARTS_OPS_H_
