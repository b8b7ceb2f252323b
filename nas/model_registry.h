// Registered models (search spaces): any tool can build one by name, with
// options as JSON, e.g. //tools:ss_gen and //algorithms/random:search.
//
//   // my_space.cc (library with alwayslink = 1)
//   absl::StatusOr<nas::BuiltModel> MakeMyNet(const nas::Json& options) { ... }
//   NAS_REGISTER(nas::ModelRegistry(), "my_net", &MakeMyNet);
#ifndef NAS_MODEL_REGISTRY_H_
#define NAS_MODEL_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <ATen/core/Tensor.h>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/base/registry.h"
#include "nas/torch_fwd.h"

namespace nas {

struct BuiltModel {
  std::shared_ptr<torch::nn::Module> model;
  // The shape of one input sample, e.g. {1, 28, 28} (tools feed a batch of
  // zeros of this shape to check an architecture).
  std::vector<int64_t> input_shape;
  // Runs the model on a batch (models' forward signatures differ).
  std::function<at::Tensor(const at::Tensor&)> forward;
};

// Builds a model from its options (strictly validated; {} = defaults).
using ModelFactory = std::function<absl::StatusOr<BuiltModel>(const Json& options)>;

Registry<ModelFactory>& ModelRegistry();

}  // namespace nas

#endif  // NAS_MODEL_REGISTRY_H_
