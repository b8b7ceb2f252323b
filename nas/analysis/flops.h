// FLOPs and parameter counts of fixed models, counted the way the SPOS
// authors (and most NAS papers) count: multiply-accumulates of convolutions
// and fully-connected layers only (BN, activations, pooling and additions
// are free), for one example (batch 1) at a given input size.
//
//   nas::apply_fixed_architecture(model, arch);
//   NAS_ASSIGN_OR_RETURN(nas::ModelCost cost,
//                        nas::CountCost(*model, forward, {3, 224, 224}));
//   // cost.macs == 322'540'000-ish for a SPOS-sized net
//
// Generic: it observes the operators a forward pass runs (convolution,
// linear, matrix products), so any model counts, whatever its modules.
//
//   conv:           macs = out.numel() * in_channels / groups * kernel_h * kernel_w
//   conv_transpose: macs = in.numel() * out_channels / groups * kernel_h * kernel_w
//   linear:         macs = out.numel() * in_features
//   matmul, mm, bmm, mv, dot, addmm, baddbmm, addmv, addbmm:
//                   macs = out.numel() * (inner dimension)
//
// How: ATen's RecordFunction callbacks (thread-local) see every operator
// call with its inputs and outputs. Only the outermost counted operator
// counts (conv2d -> convolution -> _convolution -> mkldnn_convolution is one
// convolution; the mm inside a matmul or a slow convolution is not counted
// again). Operators run by the autograd engine (backward functions) and on
// other threads are not counted.
#ifndef NAS_ANALYSIS_FLOPS_H_
#define NAS_ANALYSIS_FLOPS_H_

#include <cstdint>
#include <functional>
#include <vector>

#include <ATen/core/Tensor.h>

#include "absl/status/statusor.h"
#include "nas/core/torch_fwd.h"

namespace nas {

struct ModelCost {
  int64_t macs = 0;        // multiply-accumulates for one example
  int64_t parameters = 0;  // elements of the model's parameters
};

// Counts the MACs of convolutions, linear layers and matrix products run on
// this thread while it lives, with or without gradients, in train or eval
// mode (nested counters each see everything run while they live). Not
// thread-safe: create, use and destroy it on one thread.
//
// Example:
//   nas::MacCounter counter;
//   model->forward(x);
//   int64_t macs = counter.macs();   // for the whole batch of x
class MacCounter {
 public:
  MacCounter();
  ~MacCounter();
  MacCounter(const MacCounter&) = delete;
  MacCounter& operator=(const MacCounter&) = delete;

  int64_t macs() const { return macs_; }

 private:
  friend struct MacCounterAccess;
  int64_t macs_ = 0;
};

// Runs `forward` once, without gradients and in eval mode, on zeros of
// shape {1, input_shape...} and counts its MACs; `parameters` counts every
// parameter of `model` once (a fixed model has only its chosen candidates;
// buffers such as BN statistics are not parameters). Restores every
// module's train/eval mode. An exception of the forward pass (a wrong input
// shape) becomes an error, InvalidArgument for LibTorch's checks, whose
// one-line message names the input shape and LibTorch's reason; a dimension
// < 1 in `input_shape` is InvalidArgument too.
absl::StatusOr<ModelCost> CountCost(torch::nn::Module& model,
                                    const std::function<at::Tensor(const at::Tensor&)>& forward,
                                    const std::vector<int64_t>& input_shape);

}  // namespace nas

#endif  // NAS_ANALYSIS_FLOPS_H_
