// TorchScript export of a fixed model: a torch::jit::Module that Python's
// torch.jit.load and C++'s torch::jit::load run with nothing of this
// project installed.
//
//   nas::apply_fixed_architecture(model, arch);
//   NAS_ASSIGN_OR_RETURN(torch::jit::Module scripted,
//                        nas::TraceToTorchScript(*model, forward, example));
//   NAS_RETURN_IF_ERROR(nas::SaveTorchScript(scripted, "model.torchscript.pt"));
//
//   # Python, only torch installed
//   m = torch.jit.load("model.torchscript.pt"); m(torch.randn(8, 1, 28, 28))
//
// How: the module mirrors the C++ module tree (one TorchScript submodule per
// named child, each holding its owner's parameters and buffers under their
// own names), so state-dict keys are the same in both languages
// ("cells.0.edge_2_0.sep_conv_3x3.op.1.weight"). Its forward is LibTorch's
// trace of `forward` on `example` in eval mode (dropout off, BatchNorm on
// its running statistics), reading the weights as attributes of the module.
// A fixed architecture has no data-dependent control flow, so the trace is
// its computation; the batch size stays free, while the other input
// dimensions are those of `example` wherever the model turns sizes into
// shapes.
//
// The returned module holds copies of the weights: later training of the
// model does not change it.
#ifndef NAS_EXPORT_TORCHSCRIPT_H_
#define NAS_EXPORT_TORCHSCRIPT_H_

#include <functional>
#include <string>

#include <ATen/core/Tensor.h>
#include <torch/csrc/jit/api/module.h>

#include "absl/status/statusor.h"
#include "nas/core/torch_fwd.h"

namespace nas {

using ModelForward = std::function<at::Tensor(const at::Tensor&)>;

// Traces `forward` (which runs `model`) on `example`. The model is put in
// eval mode for the trace and returned to its mode afterwards. Fails, with
// the reason, when the model still has unfixed choices (a trace would
// record one path of a supernet), when forward throws, or when it uses a
// tensor that is neither an input nor one of the model's own parameters and
// buffers but needs gradients.
absl::StatusOr<torch::jit::Module> TraceToTorchScript(torch::nn::Module& model,
                                                      const ModelForward& forward,
                                                      const at::Tensor& example);

// The file torch::jit::save writes, as bytes.
absl::StatusOr<std::string> SerializeTorchScript(const torch::jit::Module& module);

// Writes `module` to `path` atomically (temp file + rename; parent folders
// created).
absl::Status SaveTorchScript(const torch::jit::Module& module, const std::string& path);

// torch::jit::load with errors returned: a missing, damaged or non-TorchScript
// file is an error naming it (`source` names bytes in messages). The module
// comes back in eval mode (as traced; an exported forward has one mode).
// Turns off LibTorch's TensorExpr fuser for the process first
// (DisableTensorExprFuser).
absl::StatusOr<torch::jit::Module> LoadTorchScript(const std::string& path);

// Turns off the TensorExpr (NNC) fuser of TorchScript's profiling executor,
// for this process. Debian 13's LibTorch and PyTorch 2.6 (built with LLVM,
// CPU fusion on) never finish compiling a fusion of batch_norm(cat(...)) in
// eval mode, which the DARTS and ENAS networks have (factorized reduce): the
// second call of such a module hangs, in any program. A deployment on that
// LibTorch needs the same (Python: torch._C._jit_set_texpr_fuser_enabled(
// False)); on CPUs the fuser buys little. docs/export.md.
void DisableTensorExprFuser();
absl::StatusOr<torch::jit::Module> LoadTorchScriptBytes(const std::string& bytes,
                                                        const std::string& source);

// Runs a module's forward on `input`, nothing else (timed in latency checks);
// an error names the shape when the module rejects it.
absl::StatusOr<at::Tensor> RunTorchScript(torch::jit::Module& module, const at::Tensor& input);

}  // namespace nas

#endif  // NAS_EXPORT_TORCHSCRIPT_H_
