#include "nas/export/torchscript.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/passes/tensorexpr_fuser.h>
#include <torch/csrc/jit/serialization/import.h>
#include <torch/nn/module.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "nas/base/file.h"
#include "nas/base/status.h"
#include "nas/core/mutable.h"

namespace nas {
namespace {

// "nas::darts::DartsCellImpl" -> "nas_darts_DartsCellImpl": a TorchScript
// class name (the class's own name is what Python shows for the submodule).
std::string ClassName(const torch::nn::Module& module) {
  std::string name = module.name();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return absl::StrCat("__torch__.nas_export.", name.empty() ? "Module" : name);
}

// `target` gets `source`'s own parameters and buffers (the same tensors, so
// the tracer reads them as attributes) and one submodule per child.
void Mirror(const torch::nn::Module& source, torch::jit::Module& target,
            const std::shared_ptr<torch::jit::CompilationUnit>& unit) {
  for (const auto& p : source.named_parameters(/*recurse=*/false)) {
    target.register_parameter(p.key(), p.value(), /*is_buffer=*/false);
  }
  for (const auto& b : source.named_buffers(/*recurse=*/false)) {
    target.register_buffer(b.key(), b.value());
  }
  for (const auto& child : source.named_children()) {
    torch::jit::Module sub(ClassName(*child.value()), unit, /*shouldMangle=*/true);
    Mirror(*child.value(), sub, unit);
    target.register_module(child.key(), sub);
  }
}

// Replaces every tensor attribute by a copy (same requires_grad), so the
// module no longer shares memory with the C++ model.
void CopyTensors(torch::jit::Module& module) {
  for (torch::jit::Module m : module.modules()) {
    for (const auto& attribute : m.named_attributes(/*recurse=*/false)) {
      if (!attribute.value.isTensor()) continue;
      const at::Tensor& t = attribute.value.toTensor();
      if (!t.defined()) continue;
      m.setattr(attribute.name, t.detach().clone().requires_grad_(t.requires_grad()));
    }
  }
}

absl::Status CheckFixed(torch::nn::Module& model) {
  std::vector<std::string> unfixed;
  for (const auto& item : model.named_modules()) {
    auto* m = dynamic_cast<Mutable*>(item.value().get());
    if (m == nullptr || m->kind() == MutableKind::kScope || m->is_fixed()) continue;
    unfixed.push_back(m->key().empty() ? item.key() : m->key());
  }
  if (unfixed.empty()) return absl::OkStatus();
  const size_t shown = std::min<size_t>(unfixed.size(), 5);
  return absl::FailedPreconditionError(absl::StrCat(
      "the model has ", unfixed.size(), " unfixed choice", unfixed.size() == 1 ? "" : "s", " (",
      absl::StrJoin(unfixed.begin(), unfixed.begin() + shown, ", "),
      unfixed.size() > shown ? ", ..." : "",
      "): apply a fixed architecture before exporting (a trace would record one path of the "
      "supernet)"));
}

// What went wrong, in one line, from a LibTorch exception: the
// TorchScript interpreter's messages end with "RuntimeError: <what>" after
// its traceback; the others start with what went wrong (then, for
// c10::Error, LibTorch's backtrace or the offending tensor).
absl::Status OneLineError(absl::string_view context, const std::exception& e) {
  std::string what = e.what();
  const size_t runtime = what.rfind("RuntimeError: ");
  if (runtime != std::string::npos) what = what.substr(runtime + 14);
  what = what.substr(0, what.find('\n'));
  return absl::InvalidArgumentError(absl::StrCat(context, ": ", what));
}

// Puts a module in eval mode for its life, then back in its mode.
class EvalMode {
 public:
  explicit EvalMode(torch::nn::Module& model) : model_(model), training_(model.is_training()) {
    model_.eval();
  }
  ~EvalMode() { model_.train(training_); }
  EvalMode(const EvalMode&) = delete;
  EvalMode& operator=(const EvalMode&) = delete;

 private:
  torch::nn::Module& model_;
  bool training_;
};

// The trace of `forward` on `example`, as `root`'s forward method.
absl::Status RecordForward(torch::nn::Module& model, const ModelForward& forward,
                           const at::Tensor& example, torch::jit::Module& root) {
  EvalMode eval(model);
  auto traced = [&](torch::jit::Stack inputs) -> torch::jit::Stack {
    return {forward(inputs.at(0).toTensor())};
  };
  auto no_names = [](const at::Tensor&) { return std::string(); };
  auto [state, outputs] = torch::jit::tracer::trace({example}, traced, no_names, /*strict=*/true,
                                                    /*force_outplace=*/false, &root);
  if (outputs.size() != 1 || !outputs[0].isTensor()) {
    return absl::InvalidArgumentError("forward must return one tensor");
  }
  std::shared_ptr<torch::jit::Graph> graph = state->graph;
  torch::jit::Inline(*graph);
  torch::jit::EliminateDeadCode(graph);
  torch::jit::Function* method = root._ivalue()->compilation_unit()->create_function(
      c10::QualifiedName(*root.type()->name(), "forward"), graph);
  root.type()->addMethod(method);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<torch::jit::Module> TraceToTorchScript(torch::nn::Module& model,
                                                      const ModelForward& forward,
                                                      const at::Tensor& example) {
  NAS_RETURN_IF_ERROR(CheckFixed(model));
  if (!example.defined()) return absl::InvalidArgumentError("the example input is undefined");
  auto unit = std::make_shared<torch::jit::CompilationUnit>();
  torch::jit::Module root(ClassName(model), unit, /*shouldMangle=*/true);
  Mirror(model, root, unit);
  try {
    NAS_RETURN_IF_ERROR(RecordForward(model, forward, example, root));
  } catch (const std::exception& e) {
    return OneLineError("tracing the model", e);
  }
  CopyTensors(root);
  root.eval();  // what it was traced in (module.training in Python)
  return root;
}

absl::StatusOr<std::string> SerializeTorchScript(const torch::jit::Module& module) {
  std::ostringstream bytes;
  NAS_RETURN_IF_ERROR(Annotate(CatchExceptions([&] {
                                 module.save(bytes);
                                 return absl::OkStatus();
                               }),
                               "serializing the TorchScript module"));
  return bytes.str();
}

absl::Status SaveTorchScript(const torch::jit::Module& module, const std::string& path) {
  NAS_ASSIGN_OR_RETURN(std::string bytes, SerializeTorchScript(module));
  return WriteFileAtomically(path, bytes);
}

absl::StatusOr<torch::jit::Module> LoadTorchScript(const std::string& path) {
  NAS_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  return LoadTorchScriptBytes(bytes, path);
}

void DisableTensorExprFuser() { torch::jit::setTensorExprFuserEnabled(false); }

absl::StatusOr<torch::jit::Module> LoadTorchScriptBytes(const std::string& bytes,
                                                        const std::string& source) {
  DisableTensorExprFuser();
  torch::jit::Module module;
  NAS_RETURN_IF_ERROR(Annotate(CatchExceptions([&] {
                                 std::istringstream in(bytes);
                                 module = torch::jit::load(in);
                                 module.eval();
                                 return absl::OkStatus();
                               }),
                               absl::StrCat(source, " is not a TorchScript module")));
  return module;
}

absl::StatusOr<at::Tensor> RunTorchScript(torch::jit::Module& module, const at::Tensor& input) {
  try {
    c10::IValue out = module.forward({input});
    if (out.isTensor()) return out.toTensor();
    return absl::InvalidArgumentError("the TorchScript module's forward does not return a tensor");
  } catch (const std::exception& e) {
    return OneLineError(absl::StrCat("running the TorchScript module on an input of shape [",
                                     absl::StrJoin(input.sizes(), ", "), "]"),
                        e);
  }
}

}  // namespace nas
