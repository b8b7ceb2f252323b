// Memory formats: what the trainer base and the spaces need to run a network
// in channels-last (NHWC in memory, what oneDNN's CPU convolutions and
// cuDNN's tensor cores prefer) end to end, without a format change hidden
// in a backward pass.
//
// Why the helpers: LibTorch keeps channels-last through convolutions, BN,
// activations and `cat`, but some backward functions build gradients in the
// contiguous (NCHW) format whatever their input's format was -- a global
// average pool written as x.mean({2, 3}), a strided channel slice -- and an
// elementwise backward (ReLU's) that then meets an NCHW gradient and an NHWC
// input runs LibTorch 1.13's slow strided loop: 1.3 ms instead of 0.04 ms
// for a 64 x 48 x 14 x 14 tensor on this project's 2-core machine.
//
//   nas::ToMemoryFormat(*model, at::MemoryFormat::ChannelsLast);  // weights
//   x = nas::InMemoryFormat(batch.data, at::MemoryFormat::ChannelsLast);
//   logits = fc(nas::GlobalAveragePool(features));  // [N, C], either format
#ifndef NAS_BASE_TORCH_MEMORY_FORMAT_H_
#define NAS_BASE_TORCH_MEMORY_FORMAT_H_

#include <cstdint>
#include <string>

#include <ATen/core/Tensor.h>
#include <c10/core/MemoryFormat.h>

#include "absl/status/statusor.h"

namespace torch::nn {
class Module;
}  // namespace torch::nn

namespace nas {

// "contiguous" or "channels_last"; InvalidArgument naming both otherwise.
absl::StatusOr<at::MemoryFormat> ParseMemoryFormat(const std::string& name);
std::string MemoryFormatName(at::MemoryFormat format);

// Every 4-d parameter and buffer of `module` (convolution weights) in
// `format`, in place (set_data: the same tensors, so optimizers and
// mutators that hold them are unaffected; values unchanged). Others stay.
// Weights with a dimension of 1 (depthwise and 1 x 1 convolutions) get
// `format`'s exact strides: LibTorch reads their format from the strides
// (suggest_memory_format), and it decides the format a convolution runs in.
void ToMemoryFormat(torch::nn::Module& module, at::MemoryFormat format);

// `x` in `format` when it is 4-d (a copy only when it is not already, in
// the sense above), unchanged otherwise.
at::Tensor InMemoryFormat(const at::Tensor& x, at::MemoryFormat format);

// The mean over height and width of an [N, C, H, W] tensor, [N, C]; its
// gradient comes back in x's memory format (x.mean({2, 3})'s is always
// contiguous).
at::Tensor GlobalAveragePool(const at::Tensor& x);

// x.slice(dim, start, end, step) (a view), whose gradient comes back in x's
// memory format (autograd's own slice backward builds it contiguous).
at::Tensor SliceKeepingFormat(const at::Tensor& x, int64_t dim, int64_t start,
                              int64_t end = INT64_MAX, int64_t step = 1);

}  // namespace nas

#endif  // NAS_BASE_TORCH_MEMORY_FORMAT_H_
