// Fixed architectures: retraining a found architecture as a plain model, and
// moving weights between a supernet and its children.
//
// apply_fixed_architecture() fixes every choice of a fresh model: a
// LayerChoice with one selected candidate drops the others and runs the
// chosen one directly; InputChoices keep their mask. No mutator is needed
// (or accepted) afterwards.
//
// Parameter names survive fixing ("op.conv3x3.weight" stays
// "op.conv3x3.weight"), so supernet weights reach a child in either order:
//
//   // a) load, then fix                    // b) fix, then inherit
//   auto child = std::make_shared<Net>();   auto child = std::make_shared<Net>();
//   LoadWeights(*child, "supernet.pt");     apply_fixed_architecture(child, arch);
//   apply_fixed_architecture(child, arch);  LoadWeights(*child, "supernet.pt",
//                                                       WeightLoad::kInheritFromSupernet);
//
// Both give the same model. Loading refuses loudly (an error naming the
// tensor) when the file lacks a parameter or buffer of the model or has a
// different shape for one, which is what happens when a child checkpoint is
// loaded into an unfixed model or an architecture does not match.
#ifndef NAS_CORE_FIXED_ARCHITECTURE_H_
#define NAS_CORE_FIXED_ARCHITECTURE_H_

#include <memory>
#include <string>

#include <torch/nn/pimpl.h>

#include "absl/status/status.h"
#include "nas/core/architecture.h"
#include "nas/core/torch_fwd.h"

namespace nas {

// Validates `arch` against the model's choices (strict, see architecture.h)
// and fixes them. Fails, changing nothing, on a model bound to a mutator or
// already fixed.
absl::Status ApplyFixedArchitecture(torch::nn::Module& model, const Architecture& arch);

// Throwing form (c10::Error) for LibTorch-style code.
void apply_fixed_architecture(const std::shared_ptr<torch::nn::Module>& model,
                              const Architecture& arch);
template <typename M>
void apply_fixed_architecture(const torch::nn::ModuleHolder<M>& model, const Architecture& arch) {
  apply_fixed_architecture(std::static_pointer_cast<torch::nn::Module>(model.ptr()), arch);
}
template <typename M, typename = std::enable_if_t<!std::is_same_v<M, torch::nn::Module>>>
void apply_fixed_architecture(const std::shared_ptr<M>& model, const Architecture& arch) {
  apply_fixed_architecture(std::static_pointer_cast<torch::nn::Module>(model), arch);
}

enum class WeightLoad {
  // The file holds exactly the model's tensors.
  kExact,
  // The file may hold more (a supernet's unused candidates); every tensor of
  // the model must be in it.
  kInheritFromSupernet,
};

// Every parameter and buffer of `model` by its full dotted name, in one file
// (written atomically).
absl::Status SaveWeights(const torch::nn::Module& model, const std::string& path);

// Loads what SaveWeights wrote, checking names and shapes (LibTorch's own
// torch::load ignores extra keys and adopts mismatched shapes silently).
absl::Status LoadWeights(torch::nn::Module& model, const std::string& path,
                         WeightLoad mode = WeightLoad::kExact);

// The same, inside a larger archive (checkpoints use these).
void WriteWeights(torch::serialize::OutputArchive& archive, const torch::nn::Module& model);
absl::Status ReadWeights(torch::serialize::InputArchive& archive, torch::nn::Module& model,
                         WeightLoad mode, const std::string& source_name);

// Copies, by name, every parameter and buffer of `child` from `supernet`
// (both in memory).
absl::Status InheritWeights(torch::nn::Module& child, const torch::nn::Module& supernet);

}  // namespace nas

#endif  // NAS_CORE_FIXED_ARCHITECTURE_H_
