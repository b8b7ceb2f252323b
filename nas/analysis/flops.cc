#include "nas/analysis/flops.h"

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>

#include <ATen/ATen.h>
#include <ATen/record_function.h>
#include <c10/core/GradMode.h>
#include <torch/nn/module.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "nas/base/status.h"

namespace nas {

// Adds to a counter's total (the callbacks are free functions).
struct MacCounterAccess {
  static void Add(MacCounter& counter, int64_t macs) { counter.macs_ += macs; }
};

namespace {

// How the MACs of one counted operator follow from its inputs and output.
enum class OpKind {
  kConvolution,    // (input, weight, bias, stride, padding, dilation, transposed, ...)
  kConvTranspose,  // conv_transposeNd(input, weight, ...)
  kConv,           // convNd(input, weight, ...)
  kLinear,         // linear(input, weight[out, in], bias)
  kMatmulArg0,     // matmul / mm / bmm / mv / dot(a, b): k = a.size(-1)
  kMatmulArg1,     // addmm / baddbmm / addmv(self, a, b): k = a.size(-1)
  kAddbmm,         // addbmm(self, batch1[b, n, m], batch2): k = b * m
};

// The operators that count. Wrappers that only call these (conv2d ->
// convolution, matmul -> mm, einsum -> bmm) need no entry of their own,
// but listing them makes the outermost one count: a counted operator's
// inner operators (convolution -> _convolution -> mkldnn_convolution, or
// the mm of a slow convolution) are never counted again.
const std::pair<absl::string_view, OpKind> kCountedOps[] = {
    {"aten::conv1d", OpKind::kConv},
    {"aten::conv2d", OpKind::kConv},
    {"aten::conv3d", OpKind::kConv},
    {"aten::convolution", OpKind::kConvolution},
    {"aten::_convolution", OpKind::kConvolution},
    {"aten::conv_transpose1d", OpKind::kConvTranspose},
    {"aten::conv_transpose2d", OpKind::kConvTranspose},
    {"aten::conv_transpose3d", OpKind::kConvTranspose},
    {"aten::linear", OpKind::kLinear},
    {"aten::matmul", OpKind::kMatmulArg0},
    {"aten::mm", OpKind::kMatmulArg0},
    {"aten::bmm", OpKind::kMatmulArg0},
    {"aten::mv", OpKind::kMatmulArg0},
    {"aten::dot", OpKind::kMatmulArg0},
    {"aten::addmm", OpKind::kMatmulArg1},
    {"aten::baddbmm", OpKind::kMatmulArg1},
    {"aten::addmv", OpKind::kMatmulArg1},
    {"aten::addbmm", OpKind::kAddbmm},
};

bool FindCountedOp(absl::string_view name, OpKind* kind) {
  for (const auto& [op, op_kind] : kCountedOps) {
    if (op == name) {
      *kind = op_kind;
      return true;
    }
  }
  return false;
}

// What a counted operator's start callback learns for its end callback:
// the MACs are `factor * <elements of out_numel_of>`, where the tensor is
// the output or (transposed convolutions) the input.
struct PendingOp : at::ObserverContext {
  int64_t factor = 0;
  bool from_output = true;
  int64_t input_numel = 0;
};

// Marks an autograd node (a backward function) running: nothing inside it
// counts.
struct BackwardScope : at::ObserverContext {};

// Per-thread state of the counters (LibTorch's thread-local callbacks are
// per thread too).
struct ThreadState {
  std::vector<MacCounter*> counters;
  at::CallbackHandle handle = at::INVALID_CALLBACK_HANDLE;
  bool inside_counted_op = false;
  int backward_depth = 0;
};

ThreadState& State() {
  thread_local ThreadState state;
  return state;
}

const at::Tensor* TensorInput(const at::RecordFunction& fn, size_t i) {
  c10::ArrayRef<const c10::IValue> inputs = fn.inputs();
  if (i >= inputs.size() || !inputs[i].isTensor()) return nullptr;
  return &inputs[i].toTensor();
}

int64_t Product(c10::IntArrayRef dims) {
  int64_t p = 1;
  for (int64_t d : dims) p *= d;
  return p;
}

// Fills `op` from the inputs; false when they are not what the formula needs
// (the operator then counts nothing).
bool Prepare(OpKind kind, const at::RecordFunction& fn, PendingOp* op) {
  switch (kind) {
    case OpKind::kConvolution:
    case OpKind::kConvTranspose:
    case OpKind::kConv: {
      const at::Tensor* input = TensorInput(fn, 0);
      const at::Tensor* weight = TensorInput(fn, 1);
      if (input == nullptr || weight == nullptr || weight->dim() < 3) return false;
      bool transposed = kind == OpKind::kConvTranspose;
      if (kind == OpKind::kConvolution) {
        c10::ArrayRef<const c10::IValue> inputs = fn.inputs();
        transposed = inputs.size() > 6 && inputs[6].isBool() && inputs[6].toBool();
      }
      // weight: [Co, Ci/g, k...] (or [Ci, Co/g, k...] transposed). Every
      // output element (every input element, transposed) takes
      // weight[1] * prod(k) multiply-accumulates.
      op->factor = weight->size(1) * Product(weight->sizes().slice(2));
      op->from_output = !transposed;
      op->input_numel = input->numel();
      return true;
    }
    case OpKind::kLinear: {
      const at::Tensor* weight = TensorInput(fn, 1);
      if (weight == nullptr || weight->dim() < 1) return false;
      op->factor = weight->size(-1);
      return true;
    }
    case OpKind::kMatmulArg0:
    case OpKind::kMatmulArg1: {
      const at::Tensor* a = TensorInput(fn, kind == OpKind::kMatmulArg0 ? 0 : 1);
      if (a == nullptr || a->dim() < 1) return false;
      op->factor = a->size(-1);
      return true;
    }
    case OpKind::kAddbmm: {
      const at::Tensor* batch1 = TensorInput(fn, 1);
      if (batch1 == nullptr || batch1->dim() != 3) return false;
      op->factor = batch1->size(0) * batch1->size(2);
      return true;
    }
  }
  return false;
}

std::unique_ptr<at::ObserverContext> OnStart(const at::RecordFunction& fn) {
  ThreadState& state = State();
  // Other threads (at::launch inherits thread-local callbacks) and operators
  // inside a counted one count nothing.
  if (state.counters.empty()) return nullptr;
  if (fn.scope() == at::RecordScope::BACKWARD_FUNCTION) {
    ++state.backward_depth;
    return std::make_unique<BackwardScope>();
  }
  if (state.inside_counted_op || state.backward_depth > 0) return nullptr;
  OpKind kind;
  if (!FindCountedOp(fn.name(), &kind)) return nullptr;
  auto op = std::make_unique<PendingOp>();
  if (!Prepare(kind, fn, op.get())) return nullptr;
  state.inside_counted_op = true;
  return op;
}

void OnEnd(const at::RecordFunction& fn, at::ObserverContext* context) {
  ThreadState& state = State();
  if (dynamic_cast<BackwardScope*>(context) != nullptr) {
    --state.backward_depth;
    return;
  }
  auto* op = dynamic_cast<PendingOp*>(context);
  if (op == nullptr) return;
  state.inside_counted_op = false;
  int64_t elements = op->input_numel;
  if (op->from_output) {
    // No output when the operator threw: it counts nothing.
    const std::vector<c10::IValue>& outputs = fn.outputs();
    if (outputs.empty() || !outputs[0].isTensor()) return;
    elements = outputs[0].toTensor().numel();
  }
  for (MacCounter* counter : state.counters) MacCounterAccess::Add(*counter, elements * op->factor);
}

}  // namespace

MacCounter::MacCounter() {
  ThreadState& state = State();
  if (state.counters.empty()) {
    state.inside_counted_op = false;
    state.backward_depth = 0;
    state.handle = at::addThreadLocalCallback(
        at::RecordFunctionCallback(&OnStart, &OnEnd)
            .needsInputs(true)
            .needsOutputs(true)
            .scopes({at::RecordScope::FUNCTION, at::RecordScope::BACKWARD_FUNCTION}));
  }
  state.counters.push_back(this);
}

MacCounter::~MacCounter() {
  ThreadState& state = State();
  state.counters.erase(std::remove(state.counters.begin(), state.counters.end(), this),
                       state.counters.end());
  if (state.counters.empty()) {
    at::removeCallback(state.handle);
    state.handle = at::INVALID_CALLBACK_HANDLE;
    state.inside_counted_op = false;
    state.backward_depth = 0;
  }
}

namespace {

int64_t CountParameters(const torch::nn::Module& model) {
  // A parameter shared by two modules counts once.
  std::unordered_set<const void*> seen;
  int64_t n = 0;
  for (const at::Tensor& p : model.parameters(/*recurse=*/true)) {
    if (seen.insert(p.unsafeGetTensorImpl()).second) n += p.numel();
  }
  return n;
}

// Sets every module's own train/eval flag back (train() recurses, so
// parents come first: modules() is in pre-order).
class TrainModeRestorer {
 public:
  explicit TrainModeRestorer(torch::nn::Module& model)
      : model_(model), was_training_(model.is_training()) {
    for (const auto& m : model.modules(/*include_self=*/false))
      modes_.emplace_back(m, m->is_training());
  }
  ~TrainModeRestorer() {
    model_.train(was_training_);
    for (const auto& [m, training] : modes_) m->train(training);
  }

 private:
  torch::nn::Module& model_;
  bool was_training_;
  std::vector<std::pair<std::shared_ptr<torch::nn::Module>, bool>> modes_;
};

}  // namespace

absl::StatusOr<ModelCost> CountCost(torch::nn::Module& model,
                                    const std::function<at::Tensor(const at::Tensor&)>& forward,
                                    const std::vector<int64_t>& input_shape) {
  std::string shape_text = absl::StrCat("[1, ", absl::StrJoin(input_shape, ", "), "]");
  if (input_shape.empty()) shape_text = "[1]";
  for (int64_t d : input_shape) {
    if (d < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("counting MACs: input shape ", shape_text, " has a dimension < 1"));
    }
  }
  ModelCost cost;
  cost.parameters = CountParameters(model);
  absl::Status run = CatchExceptions([&]() -> absl::Status {
    TrainModeRestorer restore(model);
    model.eval();
    c10::NoGradGuard no_grad;
    std::vector<int64_t> shape = {1};
    shape.insert(shape.end(), input_shape.begin(), input_shape.end());
    at::Tensor input = at::zeros(shape);
    MacCounter counter;
    forward(input);
    cost.macs = counter.macs();
    return absl::OkStatus();
  });
  if (!run.ok()) {
    // LibTorch's messages may span lines; a tool prints one.
    return absl::Status(
        run.code(),
        absl::StrCat("counting MACs: the forward pass on an input of shape ", shape_text,
                     " failed: ", absl::StrReplaceAll(run.message(), {{"\n", " "}})));
  }
  return cost;
}

}  // namespace nas
