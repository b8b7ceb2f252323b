// Registered spaces: a space is a LibTorch model whose layers contain
// choices (its choices, as data, are its SearchSpace). Any binary or tool
// builds one by name, with options as JSON (//tools:ss_gen, the jobs of
// nas/jobs, the benchmark).
//
//   // my_space.cc (library with alwayslink = 1)
//   absl::StatusOr<nas::BuiltSpace> MakeMyNet(const nas::Json& options) { ... }
//   NAS_REGISTER(nas::SpaceRegistry(), "my_net", &MakeMyNet);
//
//   // anywhere
//   NAS_ASSIGN_OR_RETURN(nas::SpaceFactory factory, nas::SpaceRegistry().Lookup("my_net"));
//   NAS_ASSIGN_OR_RETURN(nas::BuiltSpace space, factory(options));
#ifndef NAS_CORE_SPACE_REGISTRY_H_
#define NAS_CORE_SPACE_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/base/registry.h"
#include "nas/core/torch_fwd.h"

namespace nas {

struct BuiltSpace {
  std::shared_ptr<torch::nn::Module> model;
  // The shape of one input sample, e.g. {1, 28, 28} (tools feed a batch of
  // zeros of this shape to check an architecture).
  std::vector<int64_t> input_shape;
  // Runs the model on a batch (models' forward signatures differ).
  std::function<at::Tensor(const at::Tensor&)> forward;
  // Outputs of the classifier (jobs check a dataset's classes against it);
  // 0 = not a classifier, or not known.
  int64_t classes = 0;
};

// Builds a space from its options (strictly validated; {} = defaults).
using SpaceFactory = std::function<absl::StatusOr<BuiltSpace>(const Json& options)>;

Registry<SpaceFactory>& SpaceRegistry();

// Upper bounds of the size options every registered space checks, so that
// a typo (20000 layers) is an error naming the option instead of a model of
// gigabytes, an out-of-memory kill or a hang.
struct SpaceSizeLimits {
  static constexpr int64_t kLayers = 256;  // layers, cells, blocks
  static constexpr int64_t kNodes = 32;    // nodes of a cell
  static constexpr int64_t kChannels = 4096;
  static constexpr int64_t kImageSize = 2048;
};

// OK when `value` <= `most`; else InvalidArgument
// "<option> must be <= <most>, got <value>".
absl::Status CheckAtMost(const std::string& option, int64_t value, int64_t most);

}  // namespace nas

#endif  // NAS_CORE_SPACE_REGISTRY_H_
