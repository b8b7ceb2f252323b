#include "algorithms/nasbench/nasbench_space.h"

#include <algorithm>

#include <torch/nn/cloneable.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/named_any.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/nn/pimpl.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "nas/base/status.h"
#include "nas/core/layer_choice.h"

namespace nas::nasbench {
namespace {

using torch::nn::AnyModule;
using torch::nn::Conv2dOptions;

// x * 0, keeping the shape (NAS-Bench-201's Zero).
struct ZeroOpImpl : torch::nn::Cloneable<ZeroOpImpl> {
  void reset() override {}
  at::Tensor forward(at::Tensor x) { return x.mul(0.0); }
};
TORCH_MODULE(ZeroOp);

// ReLU - conv - BN.
struct ReluConvBnImpl : torch::nn::Cloneable<ReluConvBnImpl> {
  ReluConvBnImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, bool affine)
      : in(in), out(out), kernel(kernel), stride(stride), affine(affine) {
    reset();
  }
  void reset() override {
    conv = register_module(
        "conv", torch::nn::Conv2d(
                    Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false)));
    bn = register_module("bn",
                         torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(out).affine(affine)));
  }
  at::Tensor forward(at::Tensor x) { return bn(conv(torch::relu(x))); }
  int64_t in, out, kernel, stride;
  bool affine;
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};
TORCH_MODULE(ReluConvBn);

AnyModule MakeOp(int index, int64_t c, bool affine) {
  switch (index) {
    case 0:
      return AnyModule(ZeroOp());
    case 1:
      return AnyModule(torch::nn::Identity());
    case 2:
      return AnyModule(ReluConvBn(c, c, 1, 1, affine));
    case 3:
      return AnyModule(ReluConvBn(c, c, 3, 1, affine));
    case 4:
      return AnyModule(torch::nn::AvgPool2d(
          torch::nn::AvgPool2dOptions(3).stride(1).padding(1).count_include_pad(false)));
    default:
      return AnyModule(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(1).padding(1)));
  }
}

int OpIndex(const std::string& name) {
  auto it = std::find(NasbenchOpNames().begin(), NasbenchOpNames().end(), name);
  return it == NasbenchOpNames().end() ? -1 : static_cast<int>(it - NasbenchOpNames().begin());
}

struct CellImpl : torch::nn::Module {
  CellImpl(int64_t c, bool affine, const std::vector<std::string>& names) {
    for (const std::string& key : NasbenchEdgeKeys()) {
      std::vector<torch::nn::NamedAnyModule> ops;
      for (const std::string& name : names)
        ops.emplace_back(name, MakeOp(OpIndex(name), c, affine));
      edges.push_back(
          register_module(key, LayerChoice(std::move(ops), LayerChoiceOptions().key(key))));
    }
  }
  at::Tensor forward(at::Tensor x) {
    at::Tensor n1 = edges[0](x);
    return edges[1](x) + edges[2](n1);
  }
  std::vector<LayerChoice> edges;
};
TORCH_MODULE(Cell);

// NAS-Bench-201's residual reduction: a ResNet basic block with stride 2.
struct ReductionImpl : torch::nn::Module {
  ReductionImpl(int64_t in, int64_t out, bool affine)
      : conv_a(register_module("conv_a", ReluConvBn(in, out, 3, 2, affine))),
        conv_b(register_module("conv_b", ReluConvBn(out, out, 3, 1, affine))),
        shortcut(register_module("shortcut",
                                 torch::nn::Conv2d(Conv2dOptions(in, out, 1).bias(false)))) {}
  at::Tensor forward(at::Tensor x) {
    return conv_b(conv_a(x)) + shortcut(torch::avg_pool2d(x, 2, 2));
  }
  ReluConvBn conv_a, conv_b;
  torch::nn::Conv2d shortcut;
};
TORCH_MODULE(Reduction);

struct NasbenchNetImpl : torch::nn::Module {
  explicit NasbenchNetImpl(const NasbenchSpaceOptions& o) {
    const int64_t c = o.channels;
    stem = register_module(
        "stem", torch::nn::Sequential(
                    torch::nn::Conv2d(Conv2dOptions(o.in_channels, c, 3).padding(1).bias(false)),
                    torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(c).affine(o.affine))));
    int64_t width = c;
    for (int stage = 0; stage < 3; ++stage) {
      if (stage > 0) {
        layers->push_back(Reduction(width, 2 * width, o.affine));
        width *= 2;
      }
      for (int i = 0; i < o.cells; ++i) layers->push_back(Cell(width, o.affine, o.ops));
    }
    register_module("cells", layers);
    last_bn = register_module(
        "last_bn", torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(width).affine(o.affine)));
    classifier = register_module("classifier", torch::nn::Linear(width, o.classes));
  }
  at::Tensor forward(at::Tensor x) {
    x = stem->forward(x);
    x = layers->forward(x);
    x = torch::relu(last_bn(x));
    return classifier(torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1));
  }
  torch::nn::Sequential stem{nullptr};
  torch::nn::Sequential layers;
  torch::nn::BatchNorm2d last_bn{nullptr};
  torch::nn::Linear classifier{nullptr};
};

}  // namespace

const std::vector<std::string>& NasbenchOpNames() {
  static const auto* names = new std::vector<std::string>{
      "none", "skip_connect", "conv_1x1", "conv_3x3", "avg_pool_3x3", "max_pool_3x3"};
  return *names;
}

const std::vector<std::string>& NasbenchEdgeKeys() {
  static const auto* keys = new std::vector<std::string>{"e0_1", "e0_2", "e1_2"};
  return *keys;
}

absl::StatusOr<NasbenchSpaceOptions> NasbenchSpaceOptionsFromJson(const Json& j) {
  NasbenchSpaceOptions o;
  JsonObjectReader r(j.is_null() ? Json::object() : j, "nasbench_cell options");
  r.Optional("channels", &o.channels)
      .Optional("cells", &o.cells)
      .Optional("affine", &o.affine)
      .Optional("in_channels", &o.in_channels)
      .Optional("image_size", &o.image_size)
      .Optional("classes", &o.classes)
      .Optional("ops", &o.ops);
  NAS_RETURN_IF_ERROR(r.Finish());
  auto bad = [](const char* member, const std::string& rule) {
    return absl::InvalidArgumentError(
        absl::StrCat("nasbench_cell options.", member, " must be ", rule));
  };
  if (o.channels < 1 || o.channels > 256) return bad("channels", "in [1, 256]");
  if (o.cells < 1 || o.cells > 16) return bad("cells", "in [1, 16]");
  if (o.in_channels < 1) return bad("in_channels", ">= 1");
  if (o.image_size < 4 || o.image_size % 4 != 0 || o.image_size > 1024) {
    return bad("image_size", "a multiple of 4 in [4, 1024]");
  }
  if (o.classes < 1) return bad("classes", ">= 1");
  int previous = -1;
  for (const std::string& name : o.ops) {
    const int index = OpIndex(name);
    if (index <= previous) {
      return bad("ops",
                 absl::StrCat("a non-empty subset of ", absl::StrJoin(NasbenchOpNames(), ", "),
                              " in that order; got '", name, "'"));
    }
    previous = index;
  }
  if (o.ops.empty()) return bad("ops", "a non-empty subset of the six operations");
  return o;
}

Json NasbenchSpaceOptionsToJson(const NasbenchSpaceOptions& o) {
  return {{"channels", o.channels},
          {"cells", o.cells},
          {"affine", o.affine},
          {"in_channels", o.in_channels},
          {"image_size", o.image_size},
          {"classes", o.classes},
          {"ops", o.ops}};
}

std::vector<NasbenchCell> AllNasbenchCells(const NasbenchSpaceOptions& options) {
  std::vector<int> ops;
  for (const std::string& name : options.ops) ops.push_back(OpIndex(name));
  std::vector<NasbenchCell> cells;
  for (int a : ops) {
    for (int b : ops) {
      for (int c : ops) cells.push_back({a, b, c});
    }
  }
  return cells;
}

std::string NasbenchCellString(const NasbenchCell& cell) {
  const auto& op = NasbenchOpNames();
  return absl::StrCat("|", op[cell[0]], "~0|+|", op[cell[1]], "~0|", op[cell[2]], "~1|");
}

absl::StatusOr<NasbenchCell> NasbenchCellFromString(const std::string& text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", text, "' is not a nasbench_cell string such as |conv_3x3~0|+|skip_connect~0|none~1|"));
  };
  std::vector<std::string> nodes = absl::StrSplit(text, '+');
  if (nodes.size() != 2) return bad();
  NasbenchCell cell;
  int edge = 0;
  for (size_t node = 0; node < nodes.size(); ++node) {
    const std::string& part = nodes[node];
    if (part.size() < 2 || part.front() != '|' || part.back() != '|') return bad();
    std::vector<std::string> inputs = absl::StrSplit(part.substr(1, part.size() - 2), '|');
    if (inputs.size() != node + 1) return bad();
    for (size_t from = 0; from < inputs.size(); ++from) {
      std::vector<std::string> op_and_source = absl::StrSplit(inputs[from], '~');
      if (op_and_source.size() != 2 || op_and_source[1] != std::to_string(from)) return bad();
      auto it = std::find(NasbenchOpNames().begin(), NasbenchOpNames().end(), op_and_source[0]);
      if (it == NasbenchOpNames().end()) return bad();
      cell[edge++] = static_cast<int>(it - NasbenchOpNames().begin());
    }
  }
  return cell;
}

Architecture NasbenchArchitecture(const NasbenchCell& cell) {
  Architecture arch;
  for (int e = 0; e < 3; ++e) arch.set(NasbenchEdgeKeys()[e], NasbenchOpNames()[cell[e]]);
  return arch;
}

absl::StatusOr<NasbenchCell> NasbenchCellOf(const Architecture& architecture) {
  NasbenchCell cell;
  if (architecture.values().size() != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("a nasbench_cell architecture has the 3 keys e0_1, e0_2, e1_2; got ",
                     architecture.to_json().dump()));
  }
  for (int e = 0; e < 3; ++e) {
    const std::string& key = NasbenchEdgeKeys()[e];
    auto it = architecture.values().find(key);
    if (it == architecture.values().end()) {
      return absl::InvalidArgumentError(absl::StrCat("architecture lacks the key '", key, "'"));
    }
    const Json& v = it->second;
    int index = -1;
    if (v.is_string()) {
      auto name =
          std::find(NasbenchOpNames().begin(), NasbenchOpNames().end(), v.get<std::string>());
      if (name != NasbenchOpNames().end())
        index = static_cast<int>(name - NasbenchOpNames().begin());
    } else if (v.is_number_integer()) {
      index = v.get<int>();
    } else if (v.is_array() && v.size() == 1 && v[0].is_number_integer()) {
      index = v[0].get<int>();
    }
    if (index < 0 || index >= static_cast<int>(NasbenchOpNames().size())) {
      return absl::InvalidArgumentError(absl::StrCat("architecture key '", key, "': ", v.dump(),
                                                     " is not one of ",
                                                     absl::StrJoin(NasbenchOpNames(), ", ")));
    }
    cell[e] = index;
  }
  return cell;
}

std::string NasbenchFunctionKey(const NasbenchCell& cell) {
  NasbenchCell key = cell;
  if (key[2] == 0) key[0] = 0;  // node 1 feeds nothing
  return NasbenchCellString(key);
}

absl::StatusOr<BuiltSpace> MakeNasbenchSpace(const Json& options) {
  NAS_ASSIGN_OR_RETURN(NasbenchSpaceOptions o, NasbenchSpaceOptionsFromJson(options));
  auto model = std::make_shared<NasbenchNetImpl>(o);
  BuiltSpace built;
  built.model = model;
  built.input_shape = {o.in_channels, o.image_size, o.image_size};
  built.forward = [model](const at::Tensor& x) { return model->forward(x); };
  built.classes = o.classes;
  return built;
}

}  // namespace nas::nasbench

NAS_REGISTER(nas::SpaceRegistry(), nas::nasbench::kNasbenchSpaceName,
             &nas::nasbench::MakeNasbenchSpace);
