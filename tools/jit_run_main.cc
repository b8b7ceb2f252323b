// A deployment as a user's program sees it: links LibTorch and nothing of
// this project. Loads an export folder's model.torchscript.pt with
// torch::jit::load, runs it on reference.pt's input and compares with the
// C++ model's output stored there; checks that model.state_dict.pt holds
// exactly the module's parameters and buffers, by name and value.
//
//   jit_run EXPORT_DIR        prints {"max_abs_difference": ..., "tensors": N}
//
// Exit status 1 when a difference exceeds 1e-5 or a name or value differs.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <torch/csrc/jit/passes/tensorexpr_fuser.h>
#include <torch/script.h>
#include <torch/serialize.h>

namespace {

std::vector<char> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int Run(const std::string& dir) {
  // What a deployment on Debian 13's LibTorch 2.6 needs: its TensorExpr fuser
  // hangs compiling batch_norm(cat(...)), which DARTS and ENAS networks have
  // (nas/export/torchscript.h, docs/export.md).
  torch::jit::setTensorExprFuserEnabled(false);
  torch::jit::Module module = torch::jit::load(dir + "/model.torchscript.pt");
  module.eval();
  auto reference = torch::pickle_load(ReadAll(dir + "/reference.pt")).toGenericDict();
  const at::Tensor input = reference.at("input").toTensor();
  const at::Tensor expected = reference.at("output").toTensor();
  torch::NoGradGuard no_grad;
  const at::Tensor output = module.forward({input}).toTensor();
  double difference = (output - expected).abs().max().item<double>();
  // One example alone (another batch size than the trace's).
  const at::Tensor first = module.forward({input.slice(0, 0, 1)}).toTensor();
  difference = std::max(difference, (first - expected.slice(0, 0, 1)).abs().max().item<double>());

  std::map<std::string, at::Tensor> tensors;
  for (const auto& p : module.named_parameters()) tensors[p.name] = p.value;
  for (const auto& b : module.named_buffers()) tensors[b.name] = b.value;
  auto state = torch::pickle_load(ReadAll(dir + "/model.state_dict.pt")).toGenericDict();
  int bad = 0;
  for (const auto& item : state) {
    auto it = tensors.find(item.key().toStringRef());
    if (it == tensors.end() || !it->second.equal(item.value().toTensor())) {
      fprintf(stderr, "state dict entry %s: %s\n", item.key().toStringRef().c_str(),
              it == tensors.end() ? "not in the module" : "values differ");
      ++bad;
    }
  }
  if (state.size() != tensors.size()) {
    fprintf(stderr, "state dict has %zu entries, the module %zu tensors\n", state.size(),
            tensors.size());
    ++bad;
  }
  printf("{\"max_abs_difference\": %.3g, \"tensors\": %zu}\n", difference, state.size());
  if (difference > 1e-5) fprintf(stderr, "outputs differ by %g > 1e-5\n", difference);
  return bad == 0 && difference <= 1e-5 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s EXPORT_DIR\n", argv[0]);
    return 2;
  }
  try {
    return Run(argv[1]);
  } catch (const std::exception& e) {
    std::string what = e.what();
    fprintf(stderr, "error: %s\n", what.substr(0, what.find('\n')).c_str());
    return 1;
  }
}
