// Batch-norm recalibration: a path of a supernet inherits BN statistics
// accumulated over all paths, which misrepresent it. Before scoring a
// candidate, one-shot methods (SPOS, and anyone ranking subnets) reset the
// running statistics and re-estimate them on training batches, in train
// mode and without gradients.
//
//   mutator.set_decisions(candidate);
//   NAS_RETURN_IF_ERROR(nas::RecalibrateBatchNorm(*model, forward, train_loader, 200));
//   double accuracy = Evaluate(...);
//
// The statistics are exact averages over the batches (BN momentum is set to
// cumulative averaging while recalibrating, then restored), so the result
// does not depend on the batch order.
#ifndef NAS_TRAIN_BATCHNORM_RECALIBRATION_H_
#define NAS_TRAIN_BATCHNORM_RECALIBRATION_H_

#include <cstdint>
#include <functional>

#include <ATen/core/Tensor.h>

#include "absl/status/statusor.h"
#include "nas/core/torch_fwd.h"
#include "nas/train/batch_source.h"

namespace nas {

// Resets every BatchNorm1d/2d/3d of `model` (running mean 0, var 1, count
// 0) and runs `forward` on up to `batches` batches of `source` (starting
// epoch `epoch` of it) in train mode without gradients. Restores the model's
// mode and the BN momenta. Returns the number of batches used (fewer when
// the source runs out; an empty source is an error), or the model's error.
absl::StatusOr<int64_t> RecalibrateBatchNorm(
    torch::nn::Module& model, const std::function<at::Tensor(const at::Tensor&)>& forward,
    BatchSource& source, int64_t batches, int64_t epoch = 0);

// The number of BatchNorm modules in `model`.
int64_t CountBatchNorms(torch::nn::Module& model);

}  // namespace nas

#endif  // NAS_TRAIN_BATCHNORM_RECALIBRATION_H_
