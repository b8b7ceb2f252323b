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
//   conv:   macs = out.numel() * in_channels / groups * kernel_h * kernel_w
//   linear: macs = out.numel() * in_features
#ifndef NAS_FLOPS_H_
#define NAS_FLOPS_H_

#include <cstdint>
#include <functional>
#include <vector>

#include <ATen/core/Tensor.h>

#include "absl/status/statusor.h"
#include "nas/torch_fwd.h"

namespace nas {

struct ModelCost {
  int64_t macs = 0;        // multiply-accumulates for one example
  int64_t parameters = 0;  // elements of the model's parameters
};

// Counts the MACs of convolutions and linear layers run on this thread
// while it lives (nested counters each see everything). Not thread-safe;
// one per thread.
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
// parameter of `model` (a fixed model has only its chosen candidates).
// Restores the model's train/eval mode. Errors (a wrong input shape) are
// returned, not thrown.
absl::StatusOr<ModelCost> CountCost(torch::nn::Module& model,
                                    const std::function<at::Tensor(const at::Tensor&)>& forward,
                                    const std::vector<int64_t>& input_shape);

}  // namespace nas

#endif  // NAS_FLOPS_H_
