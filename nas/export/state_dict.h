// A plain PyTorch state dict of a LibTorch model, for Python users:
//
//   nas::SavePythonStateDict(*model, "state_dict.pt");
//
//   # Python, only torch installed
//   weights = torch.load("state_dict.pt")       # {"stem.0.weight": tensor, ...}
//   python_model.load_state_dict(weights)       # same names as the C++ model
//
// The keys are the C++ model's dotted parameter and buffer names, in
// PyTorch's order (each module's parameters, then its buffers, then its
// children, depth first); the values are copies, on the model's device.
// For a fixed child of a supernet ("the sub state dict"), fix a fresh model
// and load the supernet's weights into it first (nas/core/fixed_architecture.h,
// WeightLoad::kInheritFromSupernet): only the child's tensors are written.
#ifndef NAS_EXPORT_STATE_DICT_H_
#define NAS_EXPORT_STATE_DICT_H_

#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <ATen/core/ivalue.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nas/core/torch_fwd.h"

namespace nas {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

// The model's parameters and buffers in PyTorch's state-dict order.
NamedTensors StateDictOf(const torch::nn::Module& model);

// Writes StateDictOf(model) as torch.save would (a zip holding a pickled
// dict), atomically.
absl::Status SavePythonStateDict(const torch::nn::Module& model, const std::string& path);

// `value` (tensors, dicts, lists, strings, numbers) as torch.save writes it
// from Python: a zip holding the pickle and the tensors' bytes, with plain
// dicts and lists. (torch::jit::pickle_save tags them with
// torch.jit._pickle.restore_type_tag, a global PyTorch 2.6's torch.load,
// weights_only by default, refuses.) Throws c10::Error for values pickle
// cannot hold.
std::vector<char> TorchSaveBytes(const c10::IValue& value);

// Reads such a file back (a dict of names to tensors, as torch.save writes
// one from Python too); an error names the file when it is missing, damaged
// or holds something else.
absl::StatusOr<NamedTensors> LoadPythonStateDict(const std::string& path);

}  // namespace nas

#endif  // NAS_EXPORT_STATE_DICT_H_
