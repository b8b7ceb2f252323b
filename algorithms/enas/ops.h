// The operations of the ENAS search spaces (Pham et al., ICML 2018,
// arXiv 1802.03268), as in the authors' code and NNI's port:
//
// | module           | data flow                                              |
// |------------------|--------------------------------------------------------|
// | StdConv          | conv1x1 -> BN -> ReLU (channel calibration)            |
// | ConvBranch       | StdConv -> conv kxk (or depthwise kxk + pointwise 1x1) |
// |                  | -> BN -> ReLU                                          |
// | PoolBranch       | StdConv -> avg/max pool kxk, stride 1                  |
// | SepConvBN        | ReLU -> depthwise kxk -> pointwise 1x1 -> BN (micro)   |
// | Pool             | avg/max pool 3x3, stride 1 (micro)                     |
// | FactorizedReduce | ReLU -> [conv1x1 s2 (x) ; conv1x1 s2 (x shifted 1px)]  |
// |                  | -> concat -> BN: halves H and W, any parity            |
//
// Batch norms inside the ops have no affine parameters (affine = false), as
// in the authors' code: the shared weights are the convolutions.
#ifndef ALGORITHMS_ENAS_OPS_H_
#define ALGORITHMS_ENAS_OPS_H_

#include <cstdint>
#include <string>

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace nas::enas {

// conv1x1 -> BN -> ReLU.
class StdConvImpl : public torch::nn::Cloneable<StdConvImpl> {
 public:
  StdConvImpl(int64_t in_channels, int64_t out_channels);
  void reset() override;
  at::Tensor forward(at::Tensor x);

 private:
  int64_t in_, out_;
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(StdConv);

// Macro-space convolution branch: StdConv, then a kxk conv (separable or
// not), BN, ReLU. Keeps H and W.
class ConvBranchImpl : public torch::nn::Cloneable<ConvBranchImpl> {
 public:
  ConvBranchImpl(int64_t in_channels, int64_t out_channels, int64_t kernel, bool separable);
  void reset() override;
  at::Tensor forward(at::Tensor x);

 private:
  int64_t in_, out_, kernel_;
  bool separable_;
  StdConv preproc_{nullptr};
  torch::nn::Sequential conv_{nullptr};
};
TORCH_MODULE(ConvBranch);

// "avg" or "max" pooling kxk, stride 1, after a StdConv (macro space) or
// bare (micro space: in_channels == 0).
class PoolBranchImpl : public torch::nn::Cloneable<PoolBranchImpl> {
 public:
  PoolBranchImpl(std::string type, int64_t in_channels, int64_t out_channels, int64_t kernel = 3);
  void reset() override;
  at::Tensor forward(at::Tensor x);

 private:
  std::string type_;
  int64_t in_, out_, kernel_;
  StdConv preproc_{nullptr};
};
TORCH_MODULE(PoolBranch);

// ReLU -> depthwise kxk -> pointwise 1x1 -> BN (the micro space's sepconv).
class SepConvBNImpl : public torch::nn::Cloneable<SepConvBNImpl> {
 public:
  SepConvBNImpl(int64_t channels, int64_t kernel);
  void reset() override;
  at::Tensor forward(at::Tensor x);

 private:
  int64_t channels_, kernel_;
  torch::nn::Conv2d depthwise_{nullptr}, pointwise_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(SepConvBN);

// Halves H and W (ceil) with two offset 1x1 stride-2 convolutions.
class FactorizedReduceImpl : public torch::nn::Cloneable<FactorizedReduceImpl> {
 public:
  FactorizedReduceImpl(int64_t in_channels, int64_t out_channels);
  void reset() override;
  at::Tensor forward(at::Tensor x);

 private:
  int64_t in_, out_;
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(FactorizedReduce);

}  // namespace nas::enas

#endif  // ALGORITHMS_ENAS_OPS_H_
