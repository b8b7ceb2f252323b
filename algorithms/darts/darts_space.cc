#include "algorithms/darts/darts_space.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>
#include <tuple>

#include <ATen/ATen.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nas/base/registry.h"
#include "nas/base/status.h"
#include "nas/base/torch/memory_format.h"
#include "nas/core/space_registry.h"

namespace nas::darts {

// ---------------------------------------------------------------------------
// Options

bool DartsNetworkOptions::operator==(const DartsNetworkOptions& o) const {
  return preset == o.preset && in_channels == o.in_channels && image_size == o.image_size &&
         classes == o.classes && channels == o.channels && layers == o.layers && nodes == o.nodes &&
         stem_multiplier == o.stem_multiplier && affine == o.affine && pool_bn == o.pool_bn &&
         auxiliary == o.auxiliary && partial_channels == o.partial_channels;
}

const std::vector<std::string>& DartsNetworkPresetNames() {
  static const std::vector<std::string> names = {"search_cifar10", "eval_cifar10",
                                                 "search_fashion_mnist", "eval_fashion_mnist"};
  return names;
}

absl::StatusOr<DartsNetworkOptions> DartsNetworkPreset(const std::string& name) {
  DartsNetworkOptions o;
  o.preset = name;
  const bool eval = name == "eval_cifar10" || name == "eval_fashion_mnist";
  if (eval) {
    o.affine = true;
    o.pool_bn = false;
    o.auxiliary = true;
  }
  if (name == "search_cifar10") return o;
  if (name == "eval_cifar10") {
    o.channels = 36;
    o.layers = 20;
    return o;
  }
  if (name == "search_fashion_mnist" || name == "eval_fashion_mnist") {
    o.in_channels = 1;
    o.image_size = 28;
    o.channels = eval ? 16 : 8;
    o.layers = eval ? 8 : 5;
    return o;
  }
  return absl::NotFoundError(absl::StrCat("unknown DARTS network preset '", name, "'; known: ",
                                          absl::StrJoin(DartsNetworkPresetNames(), ", ")));
}

absl::Status ValidateDartsNetworkOptions(const DartsNetworkOptions& o, const std::string& path) {
  auto positive = [&](const char* name, int64_t value) -> absl::Status {
    if (value > 0) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat(JsonChildPath(path, name), " must be > 0, got ", value));
  };
  NAS_RETURN_IF_ERROR(positive("in_channels", o.in_channels));
  NAS_RETURN_IF_ERROR(positive("image_size", o.image_size));
  NAS_RETURN_IF_ERROR(positive("classes", o.classes));
  NAS_RETURN_IF_ERROR(positive("channels", o.channels));
  NAS_RETURN_IF_ERROR(positive("layers", o.layers));
  NAS_RETURN_IF_ERROR(positive("nodes", o.nodes));
  NAS_RETURN_IF_ERROR(positive("stem_multiplier", o.stem_multiplier));
  if (o.channels % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(JsonChildPath(path, "channels"),
                     " must be even (factorized reduce halves it), got ", o.channels));
  }
  if (o.image_size < 8) {
    return absl::InvalidArgumentError(absl::StrCat(
        JsonChildPath(path, "image_size"), " must be >= 8 (two reductions), got ", o.image_size));
  }
  using L = SpaceSizeLimits;
  for (auto [name, value, most] :
       {std::tuple<const char*, int64_t, int64_t>{"layers", o.layers, L::kLayers},
        {"nodes", o.nodes, L::kNodes},
        {"channels", o.channels, L::kChannels},
        {"image_size", o.image_size, L::kImageSize}}) {
    NAS_RETURN_IF_ERROR(CheckAtMost(JsonChildPath(path, name), value, most));
  }
  NAS_RETURN_IF_ERROR(positive("partial_channels", o.partial_channels));
  if (o.channels % (2 * o.partial_channels) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        JsonChildPath(path, "channels"), " must be a multiple of 2 x partial_channels (",
        2 * o.partial_channels, "), got ", o.channels));
  }
  if (o.auxiliary && o.layers < 3) {
    return absl::InvalidArgumentError(
        absl::StrCat(JsonChildPath(path, "auxiliary"), " needs layers >= 3, got ", o.layers));
  }
  return absl::OkStatus();
}

absl::StatusOr<DartsNetworkOptions> DartsNetworkOptionsFromJson(const Json& j,
                                                                const std::string& path) {
  JsonObjectReader r(j.is_null() ? Json::object() : j, path);
  std::string preset = "search_cifar10";
  if (const Json* member = r.Member("preset")) {
    NAS_RETURN_IF_ERROR(JsonGet(*member, JsonChildPath(path, "preset"), &preset));
  }
  absl::StatusOr<DartsNetworkOptions> base = DartsNetworkPreset(preset);
  if (!base.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(JsonChildPath(path, "preset"), ": ", base.status().message()));
  }
  DartsNetworkOptions o = *std::move(base);
  r.Optional("in_channels", &o.in_channels)
      .Optional("image_size", &o.image_size)
      .Optional("classes", &o.classes)
      .Optional("channels", &o.channels)
      .Optional("layers", &o.layers)
      .Optional("nodes", &o.nodes)
      .Optional("stem_multiplier", &o.stem_multiplier)
      .Optional("affine", &o.affine)
      .Optional("pool_bn", &o.pool_bn)
      .Optional("auxiliary", &o.auxiliary)
      .Optional("partial_channels", &o.partial_channels);
  NAS_RETURN_IF_ERROR(r.Finish());
  NAS_RETURN_IF_ERROR(ValidateDartsNetworkOptions(o, path));
  return o;
}

Json DartsNetworkOptionsToJson(const DartsNetworkOptions& o) {
  return Json{{"preset", o.preset},         {"in_channels", o.in_channels},
              {"image_size", o.image_size}, {"classes", o.classes},
              {"channels", o.channels},     {"layers", o.layers},
              {"nodes", o.nodes},           {"stem_multiplier", o.stem_multiplier},
              {"affine", o.affine},         {"pool_bn", o.pool_bn},
              {"auxiliary", o.auxiliary},   {"partial_channels", o.partial_channels}};
}

std::string EdgeKey(const std::string& cell_type, int64_t node, int64_t input) {
  return absl::StrCat(cell_type, "_n", node, "_p", input);
}

std::string SwitchKey(const std::string& cell_type, int64_t node) {
  return absl::StrCat(cell_type, "_n", node, "_switch");
}

// ---------------------------------------------------------------------------
// Cell

namespace {

// The only candidate left in a fixed edge ("" while searching).
std::string FixedOp(const LayerChoiceImpl& edge) {
  if (!edge.is_fixed()) return "";
  std::string kept;
  for (int64_t i = 0; i < edge.n_candidates(); ++i) {
    if (edge.candidate(i).is_empty()) continue;
    if (!kept.empty()) return "";
    kept = edge.names()[i];
  }
  return kept;
}

}  // namespace

DartsCellImpl::DartsCellImpl(int64_t nodes, int64_t prev_prev_channels, int64_t prev_channels,
                             int64_t channels, bool reduction, bool reduction_prev, bool affine,
                             bool pool_bn, int64_t partial_channels)
    : nodes_(nodes),
      prev_prev_channels_(prev_prev_channels),
      prev_channels_(prev_channels),
      channels_(channels),
      reduction_(reduction),
      reduction_prev_(reduction_prev),
      affine_(affine),
      pool_bn_(pool_bn),
      partial_channels_(partial_channels) {
  TORCH_CHECK(partial_channels >= 1 && channels % partial_channels == 0,
              "DartsCell: partial_channels ", partial_channels, " does not divide ", channels,
              " channels");
  reset();
}

void DartsCellImpl::reset() {
  if (reduction_prev_) {
    preprocess0_ = torch::nn::AnyModule(
        register_module("preprocess0", FactorizedReduce(prev_prev_channels_, channels_, affine_)));
  } else {
    preprocess0_ = torch::nn::AnyModule(register_module(
        "preprocess0", ReluConvBn(prev_prev_channels_, channels_, 1, 1, 0, affine_)));
  }
  preprocess1_ = torch::nn::AnyModule(
      register_module("preprocess1", ReluConvBn(prev_channels_, channels_, 1, 1, 0, affine_)));
  const std::string type = reduction_ ? kReduce : kNormal;
  edges_.assign(nodes_, {});
  switches_.clear();
  for (int64_t i = 0; i < nodes_; ++i) {
    const int64_t node = i + 2;
    std::vector<std::string> keys;
    for (int64_t j = 0; j < node; ++j) {
      const int64_t stride = reduction_ && j < 2 ? 2 : 1;
      std::vector<torch::nn::NamedAnyModule> ops;
      for (const std::string& name : DartsOpNames()) {
        ops.emplace_back(name, MakeOp(name, OpOptions(channels_ / partial_channels_, stride,
                                                      affine_, pool_bn_)));
      }
      keys.push_back(EdgeKey(type, node, j));
      edges_[i].push_back(
          register_module(absl::StrCat("n", node, "_p", j),
                          LayerChoice(std::move(ops), LayerChoiceOptions().key(keys.back()))));
    }
    switches_.push_back(register_module(
        absl::StrCat("n", node, "_switch"),
        InputChoice(
            InputChoiceOptions().choose_from(keys).n_chosen(2).key(SwitchKey(type, node)))));
  }
}

namespace {

// PC-DARTS's channel shuffle of [N, groups x per, H, W]: channel g * per + i
// goes to i * groups + g. Written into a tensor of x's memory format (the
// reshape-transpose way makes a contiguous copy of a channels-last x).
at::Tensor ShuffleChannelGroups(const at::Tensor& x, int64_t groups) {
  const int64_t per = x.size(1) / groups;
  at::Tensor out = at::empty_like(x);
  at::Tensor by_group = out.view({x.size(0), per, groups, x.size(2), x.size(3)});
  for (int64_t g = 0; g < groups; ++g) by_group.select(2, g).copy_(x.narrow(1, g * per, per));
  return out;
}

}  // namespace

at::Tensor DartsCellImpl::edge_forward(LayerChoice& edge, const at::Tensor& x, int64_t stride) {
  if (partial_channels_ == 1) return edge(x);
  const int64_t channels = x.size(1), part = channels / partial_channels_;
  // The share the ops see, dense in x's format (BN on a strided channel
  // slice takes LibTorch's slow path).
  const at::MemoryFormat format = x.suggest_memory_format();
  at::Tensor mixed = edge(SliceKeepingFormat(x, 1, 0, part).contiguous(format));
  if (!mixed.defined()) return mixed;  // an edge not kept computes nothing
  at::Tensor rest = SliceKeepingFormat(x, 1, part, channels);
  // ceil_mode: an odd size halves as the stride-2 ops' padding does (7 -> 4).
  if (stride == 2) rest = at::max_pool2d(rest, {2, 2}, {2, 2}, {0, 0}, {1, 1}, /*ceil_mode=*/true);
  return ShuffleChannelGroups(at::cat({mixed, rest}, 1), partial_channels_);
}

at::Tensor DartsCellImpl::forward(const at::Tensor& s0, const at::Tensor& s1, double drop_prob) {
  std::vector<at::Tensor> states = {preprocess0_.forward(s0), preprocess1_.forward(s1)};
  for (int64_t i = 0; i < nodes_; ++i) {
    std::vector<at::Tensor> outs;
    outs.reserve(states.size());
    for (size_t j = 0; j < states.size(); ++j) {
      LayerChoice& edge = edges_[i][j];
      at::Tensor out = edge_forward(edge, states[j], reduction_ && j < 2 ? 2 : 1);
      if (out.defined() && drop_prob > 0) {
        // Drop-path spares identities (a kept skip_connect of stride 1).
        const bool stride_one = !(reduction_ && j < 2);
        if (!(stride_one && FixedOp(*edge) == "skip_connect")) out = DropPath(out, drop_prob);
      }
      outs.push_back(std::move(out));
    }
    states.push_back(switches_[i](std::move(outs)));
  }
  return at::cat(std::vector<at::Tensor>(states.begin() + 2, states.end()), 1);
}

// ---------------------------------------------------------------------------
// Auxiliary head

AuxiliaryHeadImpl::AuxiliaryHeadImpl(int64_t channels, int64_t input_size, int64_t classes)
    : channels_(channels), input_size_(input_size), classes_(classes) {
  reset();
}

void AuxiliaryHeadImpl::reset() {
  // The original pools 8x8 with kernel 5 / stride 3 to 2x2; the same 2x2 for
  // any input of at least 3 pixels.
  const int64_t kernel = std::min<int64_t>(5, input_size_ - 1);
  const int64_t stride = input_size_ - kernel;
  features_ = register_module(
      "features",
      torch::nn::Sequential(
          torch::nn::ReLU(torch::nn::ReLUOptions(false)),
          torch::nn::AvgPool2d(
              torch::nn::AvgPool2dOptions(kernel).stride(stride).count_include_pad(false)),
          torch::nn::Conv2d(torch::nn::Conv2dOptions(channels_, 128, 1).bias(false)),
          torch::nn::BatchNorm2d(128), torch::nn::ReLU(),
          torch::nn::Conv2d(torch::nn::Conv2dOptions(128, 768, 2).bias(false)),
          torch::nn::BatchNorm2d(768), torch::nn::ReLU()));
  classifier_ = register_module("classifier", torch::nn::Linear(768, classes_));
}

at::Tensor AuxiliaryHeadImpl::forward(at::Tensor x) {
  x = features_->forward(x);
  return classifier_(x.flatten(1));
}

// ---------------------------------------------------------------------------
// Network

DartsNetworkImpl::DartsNetworkImpl(DartsNetworkOptions options) : options_(std::move(options)) {
  reset();
}

void DartsNetworkImpl::reset() {
  const DartsNetworkOptions& o = options_;
  int64_t current = o.stem_multiplier * o.channels;
  stem_ = register_module(
      "stem", torch::nn::Sequential(
                  torch::nn::Conv2d(
                      torch::nn::Conv2dOptions(o.in_channels, current, 3).padding(1).bias(false)),
                  torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(current).affine(o.affine))));
  int64_t prev_prev = current, prev = current;
  current = o.channels;
  int64_t size = o.image_size;
  int64_t aux_channels = 0, aux_size = 0;
  bool reduction_prev = false;
  cells_ = register_module("cells", torch::nn::ModuleList());
  cell_list_.clear();
  for (int64_t i = 0; i < o.layers; ++i) {
    const bool reduction = i == o.layers / 3 || i == 2 * o.layers / 3;
    if (reduction) {
      current *= 2;
      size = (size + 1) / 2;
    }
    DartsCell cell(o.nodes, prev_prev, prev, current, reduction, reduction_prev, o.affine,
                   o.pool_bn, o.partial_channels);
    cells_->push_back(cell);
    cell_list_.push_back(cell);
    reduction_prev = reduction;
    prev_prev = prev;
    prev = cell->out_channels();
    if (i == 2 * o.layers / 3) {
      aux_after_ = i;
      aux_channels = prev;
      aux_size = size;
    }
  }
  if (o.auxiliary)
    auxiliary_ = register_module("auxiliary", AuxiliaryHead(aux_channels, aux_size, o.classes));
  classifier_ = register_module("classifier", torch::nn::Linear(prev, o.classes));
}

std::pair<at::Tensor, at::Tensor> DartsNetworkImpl::forward_with_aux(const at::Tensor& x) {
  const double drop = is_training() ? drop_path_prob_ : 0.0;
  at::Tensor s0 = stem_->forward(x);
  at::Tensor s1 = s0;
  at::Tensor aux;
  for (size_t i = 0; i < cell_list_.size(); ++i) {
    at::Tensor next = cell_list_[i]->forward(s0, s1, drop);
    s0 = std::move(s1);
    s1 = std::move(next);
    if (static_cast<int64_t>(i) == aux_after_ && !auxiliary_.is_empty() && is_training())
      aux = auxiliary_(s1);
  }
  at::Tensor pooled = GlobalAveragePool(s1);
  return {classifier_(pooled), aux};
}

int64_t DartsNetworkImpl::parameter_count() const {
  int64_t count = 0;
  for (const auto& p : named_parameters()) {
    if (p.key().rfind("auxiliary.", 0) == 0) continue;
    count += p.value().numel();
  }
  return count;
}

absl::StatusOr<DartsNetwork> MakeDartsNetwork(const DartsNetworkOptions& options) {
  NAS_RETURN_IF_ERROR(ValidateDartsNetworkOptions(options));
  DartsNetwork net(nullptr);
  NAS_RETURN_IF_ERROR(CatchExceptions([&]() -> absl::Status {
    net = DartsNetwork(options);
    return absl::OkStatus();
  }));
  return net;
}

namespace {

absl::StatusOr<BuiltSpace> MakeDartsSpace(const Json& json) {
  NAS_ASSIGN_OR_RETURN(DartsNetworkOptions options,
                       DartsNetworkOptionsFromJson(json, "darts_cell options"));
  NAS_ASSIGN_OR_RETURN(DartsNetwork net, MakeDartsNetwork(options));
  return DartsBuiltSpace(net);
}

}  // namespace

BuiltSpace DartsBuiltSpace(const DartsNetwork& network) {
  BuiltSpace built;
  std::shared_ptr<DartsNetworkImpl> model = network.ptr();
  built.model = model;
  built.input_shape = model->input_shape();
  built.forward = [model](const at::Tensor& x) { return model->forward(x); };
  built.classes = model->options().classes;
  return built;
}

}  // namespace nas::darts

NAS_REGISTER(nas::SpaceRegistry(), nas::darts::kDartsSpaceName, &nas::darts::MakeDartsSpace);
