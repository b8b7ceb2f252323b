#include "algorithms/spos/shufflenet_space.h"

#include <algorithm>
#include <set>
#include <utility>

#include <torch/autograd.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/named_any.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "nas/base/status.h"
#include "nas/base/torch/memory_format.h"
#include "nas/core/space_registry.h"

namespace nas::spos {
namespace {

using torch::nn::BatchNorm2d;
using torch::nn::BatchNorm2dOptions;
using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;

constexpr char kOptionsPath[] = "spos_shufflenet options";

// The authors' BN bias init (a small positive shift; affine BN only).
constexpr double kBnBiasInit = 1e-4;
// The authors' std for the first conv and the classifier.
constexpr double kSmallInitStd = 0.01;

std::string OptionPath(absl::string_view member) { return JsonChildPath(kOptionsPath, member); }

// conv (no bias) ─ BN, appended to `seq`.
void AddConvBn(torch::nn::Sequential& seq, int64_t in, int64_t out, int64_t kernel, int64_t stride,
               int64_t groups, bool affine) {
  seq->push_back(Conv2d(Conv2dOptions(in, out, kernel)
                            .stride(stride)
                            .padding(kernel / 2)
                            .groups(groups)
                            .bias(false)));
  seq->push_back(BatchNorm2d(BatchNorm2dOptions(out).affine(affine)));
}

void AddRelu(torch::nn::Sequential& seq) { seq->push_back(torch::nn::ReLU()); }

}  // namespace

const std::vector<std::string>& ShuffleNetCandidateNames() {
  static const auto* names = new std::vector<std::string>{"shufflenet_3x3", "shufflenet_5x5",
                                                          "shufflenet_7x7", "xception_3x3"};
  return *names;
}

bool ShuffleNetSpaceOptions::operator==(const ShuffleNetSpaceOptions& o) const {
  return preset == o.preset && in_channels == o.in_channels && image_size == o.image_size &&
         classes == o.classes && stem_channels == o.stem_channels && stem_stride == o.stem_stride &&
         stage_repeats == o.stage_repeats && stage_channels == o.stage_channels &&
         last_channels == o.last_channels && dropout == o.dropout && affine == o.affine;
}

absl::StatusOr<ShuffleNetSpaceOptions> ShuffleNetPreset(const std::string& name) {
  ShuffleNetSpaceOptions o;  // the paper's ImageNet network
  if (name == "paper") return o;
  if (name == "cifar10") {
    // The paper network with a stride-1 stem: 32 -> 32 -> 16 -> 8 -> 4 -> 2.
    o.preset = name;
    o.image_size = 32;
    o.classes = 10;
    o.stem_stride = 1;
    return o;
  }
  if (name == "fashion_mnist") {
    // 28 = 4 x 7 allows two stride-2 steps (28 -> 14 -> 7, a 7x7 final map
    // like the paper's); narrow stages keep a CPU supernet step cheap.
    o.preset = name;
    o.in_channels = 1;
    o.image_size = 28;
    o.classes = 10;
    o.stem_stride = 1;
    o.stage_repeats = {2, 4};
    o.stage_channels = {48, 96};
    o.last_channels = 256;
    return o;
  }
  return absl::NotFoundError(absl::StrCat("unknown spos_shufflenet preset '", name,
                                          "'; presets: paper, cifar10, fashion_mnist"));
}

absl::Status ValidateShuffleNetSpaceOptions(const ShuffleNetSpaceOptions& o) {
  auto error = [](const std::string& path, auto&&... message) {
    return absl::InvalidArgumentError(absl::StrCat(path, " ", message...));
  };
  if (!ShuffleNetPreset(o.preset).ok()) {
    return error(OptionPath("preset"), "must be one of paper, cifar10, fashion_mnist, got '",
                 o.preset, "'");
  }
  for (auto [name, value] : {std::pair<const char*, int>{"in_channels", o.in_channels},
                             {"image_size", o.image_size},
                             {"classes", o.classes},
                             {"stem_channels", o.stem_channels},
                             {"last_channels", o.last_channels}}) {
    if (value < 1) return error(OptionPath(name), "must be >= 1, got ", value);
  }
  using L = SpaceSizeLimits;
  NAS_RETURN_IF_ERROR(CheckAtMost(OptionPath("image_size"), o.image_size, L::kImageSize));
  NAS_RETURN_IF_ERROR(CheckAtMost(OptionPath("stem_channels"), o.stem_channels, L::kChannels));
  NAS_RETURN_IF_ERROR(CheckAtMost(OptionPath("last_channels"), o.last_channels, L::kChannels));
  int64_t blocks = 0;
  for (int repeats : o.stage_repeats) blocks += std::max(repeats, 0);
  NAS_RETURN_IF_ERROR(
      CheckAtMost(OptionPath("stage_repeats") + " (blocks in all)", blocks, L::kLayers));
  for (size_t s = 0; s < o.stage_channels.size(); ++s) {
    NAS_RETURN_IF_ERROR(CheckAtMost(JsonIndexPath(OptionPath("stage_channels"), s),
                                    o.stage_channels[s], L::kChannels));
  }
  if (o.stem_stride != 1 && o.stem_stride != 2) {
    return error(OptionPath("stem_stride"), "must be 1 or 2, got ", o.stem_stride);
  }
  if (o.stage_repeats.empty()) return error(OptionPath("stage_repeats"), "must not be empty");
  if (o.stage_channels.size() != o.stage_repeats.size()) {
    return error(OptionPath("stage_channels"), "must have one entry per stage (",
                 o.stage_repeats.size(), " stage_repeats), got ", o.stage_channels.size());
  }
  int previous = o.stem_channels;
  for (size_t s = 0; s < o.stage_repeats.size(); ++s) {
    if (o.stage_repeats[s] < 1) {
      return error(JsonIndexPath(OptionPath("stage_repeats"), s), "must be >= 1, got ",
                   o.stage_repeats[s]);
    }
    const int c = o.stage_channels[s];
    const std::string path = JsonIndexPath(OptionPath("stage_channels"), s);
    // Stride-1 blocks split their channels in two halves.
    if (c < 2 || c % 2 != 0) return error(path, "must be even and >= 2, got ", c);
    // The stage's first block keeps its `previous` input channels (the
    // projection) and makes c - previous new ones.
    if (c <= previous) {
      return error(path, "must be greater than the channels entering the stage (", previous,
                   s == 0 ? ", stem_channels" : ", the previous stage", "), got ", c);
    }
    previous = c;
  }
  const int64_t total_stride = static_cast<int64_t>(o.stem_stride)
                               << static_cast<int64_t>(o.stage_repeats.size());
  if (o.image_size % total_stride != 0) {
    return error(OptionPath("image_size"), "must be divisible by the total stride ", total_stride,
                 " (stem_stride ", o.stem_stride, " x 2 per stage), got ", o.image_size);
  }
  if (!(o.dropout >= 0 && o.dropout < 1)) {
    return error(OptionPath("dropout"), "must be in [0, 1), got ", o.dropout);
  }
  return absl::OkStatus();
}

absl::StatusOr<ShuffleNetSpaceOptions> ShuffleNetSpaceOptionsFromJson(const Json& j) {
  JsonObjectReader r(j.is_null() ? Json::object() : j, kOptionsPath);
  // The preset first: it sets the defaults that the other members override.
  std::string preset = "paper";
  if (const Json* member = r.Member("preset")) {
    NAS_RETURN_IF_ERROR(JsonGet(*member, OptionPath("preset"), &preset));
  }
  absl::StatusOr<ShuffleNetSpaceOptions> base = ShuffleNetPreset(preset);
  if (!base.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(OptionPath("preset"), ": ", base.status().message()));
  }
  ShuffleNetSpaceOptions o = *std::move(base);
  r.Optional("in_channels", &o.in_channels)
      .Optional("image_size", &o.image_size)
      .Optional("classes", &o.classes)
      .Optional("stem_channels", &o.stem_channels)
      .Optional("stem_stride", &o.stem_stride)
      .Optional("stage_repeats", &o.stage_repeats)
      .Optional("stage_channels", &o.stage_channels)
      .Optional("last_channels", &o.last_channels)
      .Optional("dropout", &o.dropout)
      .Optional("affine", &o.affine);
  NAS_RETURN_IF_ERROR(r.Finish());
  NAS_RETURN_IF_ERROR(ValidateShuffleNetSpaceOptions(o));
  return o;
}

Json ShuffleNetSpaceOptionsToJson(const ShuffleNetSpaceOptions& o) {
  return Json{{"preset", o.preset},
              {"in_channels", o.in_channels},
              {"image_size", o.image_size},
              {"classes", o.classes},
              {"stem_channels", o.stem_channels},
              {"stem_stride", o.stem_stride},
              {"stage_repeats", o.stage_repeats},
              {"stage_channels", o.stage_channels},
              {"last_channels", o.last_channels},
              {"dropout", o.dropout},
              {"affine", o.affine}};
}

std::vector<BlockGeometry> ShuffleNetBlocks(const ShuffleNetSpaceOptions& o) {
  std::vector<BlockGeometry> blocks;
  int64_t channels = o.stem_channels;
  int64_t size = o.image_size / o.stem_stride;
  for (size_t s = 0; s < o.stage_repeats.size(); ++s) {
    for (int i = 0; i < o.stage_repeats[s]; ++i) {
      BlockGeometry b;
      b.index = static_cast<int>(blocks.size());
      b.key = absl::StrCat("LayerChoice", b.index + 1);  // NNI's automatic keys
      b.stage = static_cast<int>(s);
      b.in_channels = channels;
      b.out_channels = o.stage_channels[s];
      b.mid_channels = b.out_channels / 2;
      b.stride = i == 0 ? 2 : 1;
      b.input_size = size;
      blocks.push_back(b);
      channels = b.out_channels;
      size = b.output_size();
    }
  }
  return blocks;
}

SearchSpace ShuffleNetSearchSpace(const ShuffleNetSpaceOptions& options) {
  std::vector<ChoiceSpec> choices;
  for (const BlockGeometry& b : ShuffleNetBlocks(options)) {
    ChoiceSpec spec;
    spec.key = b.key;
    spec.kind = MutableKind::kLayerChoice;
    spec.candidates = ShuffleNetCandidateNames();
    choices.push_back(std::move(spec));
  }
  return SearchSpace(std::move(choices));
}

// ---------------------------------------------------------------------------
// ShuffleBlock

ShuffleBlockOptions ShuffleBlockOptions::ForCandidate(const BlockGeometry& block, int candidate,
                                                      bool affine) {
  TORCH_CHECK(candidate >= 0 && candidate < kNumShuffleNetCandidates, "candidate ", candidate,
              " out of range [0, ", kNumShuffleNetCandidates, ")");
  static constexpr int kKernels[kNumShuffleNetCandidates] = {3, 5, 7, 3};
  return ShuffleBlockOptions(block.in_channels, block.out_channels, block.stride)
      .mid_channels(block.mid_channels)
      .kernel_size(kKernels[candidate])
      .xception(candidate == 3)
      .affine(affine);
}

namespace {

// The authors' channel_shuffle reshapes (b * c/2, 2, h*w) -> (2, b * c/2,
// h*w): [0] holds the even channels, [1] the odd ones. The same halves are
// the strided views x[:, 0::2] and x[:, 1::2], which keep x's memory
// format (the reshape makes NCHW copies of a channels-last x). Autograd's
// own backward of a slice would build an NCHW gradient; this one interleaves
// the two halves' gradients into one tensor of x's format.
class ChannelSplit : public torch::autograd::Function<ChannelSplit> {
 public:
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx,
                                                const at::Tensor& x) {
    const int64_t c = x.size(1);
    ctx->saved_data["sizes"] = x.sizes();
    ctx->saved_data["channels_last"] =
        x.suggest_memory_format() == at::MemoryFormat::ChannelsLast;
    return {x.slice(1, 0, c, 2), x.slice(1, 1, c, 2)};
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const std::vector<int64_t> sizes = ctx->saved_data["sizes"].toIntVector();
    const at::MemoryFormat format = ctx->saved_data["channels_last"].toBool()
                                        ? at::MemoryFormat::ChannelsLast
                                        : at::MemoryFormat::Contiguous;
    const at::Tensor& any = grads[0].defined() ? grads[0] : grads[1];
    at::Tensor grad = at::empty(sizes, any.options().memory_format(format));
    for (int64_t half = 0; half < 2; ++half) {
      at::Tensor into = grad.slice(1, half, sizes[1], 2);
      if (grads[half].defined()) {
        into.copy_(grads[half]);
      } else {
        into.zero_();
      }
    }
    return {grad};
  }
};

}  // namespace

std::pair<at::Tensor, at::Tensor> ChannelShuffle(const at::Tensor& x) {
  TORCH_CHECK(x.dim() == 4 && x.size(1) % 2 == 0,
              "ChannelShuffle needs NCHW input with an even channel count, got ", x.sizes());
  torch::autograd::variable_list halves = ChannelSplit::apply(x);
  return {halves[0], halves[1]};
}

ShuffleBlockImpl::ShuffleBlockImpl(ShuffleBlockOptions options_) : options(std::move(options_)) {
  reset();
}

void ShuffleBlockImpl::reset() {
  const auto& o = options;
  TORCH_CHECK(o.stride() == 1 || o.stride() == 2, "ShuffleBlock: stride must be 1 or 2, got ",
              o.stride());
  TORCH_CHECK(o.xception() || o.kernel_size() == 3 || o.kernel_size() == 5 || o.kernel_size() == 7,
              "ShuffleBlock: kernel_size must be 3, 5 or 7, got ", o.kernel_size());
  const int64_t in = o.in_channels(), out = o.out_channels();
  const int64_t mid = o.mid_channels() > 0 ? o.mid_channels() : out / 2;
  // Stride 1: half the input passes through, half enters the main branch.
  // Stride 2: the full input feeds both branches.
  if (o.stride() == 1) {
    TORCH_CHECK(in % 2 == 0, "ShuffleBlock: stride-1 input channels must be even, got ", in);
  }
  const int64_t main_in = o.stride() == 1 ? in / 2 : in;
  const int64_t pass = main_in;
  const int64_t main_out = out - pass;
  TORCH_CHECK(main_out >= 1 && mid >= 1, "ShuffleBlock: ", in, " -> ", out,
              " channels leaves no channels for the main branch");
  const bool affine = o.affine();
  const int64_t k = o.xception() ? 3 : o.kernel_size();

  branch_main = torch::nn::Sequential();
  if (o.xception()) {
    AddConvBn(branch_main, main_in, main_in, 3, o.stride(), main_in, affine);  // dw
    AddConvBn(branch_main, main_in, mid, 1, 1, 1, affine);                     // pw
    AddRelu(branch_main);
    AddConvBn(branch_main, mid, mid, 3, 1, mid, affine);  // dw
    AddConvBn(branch_main, mid, mid, 1, 1, 1, affine);    // pw
    AddRelu(branch_main);
    AddConvBn(branch_main, mid, mid, 3, 1, mid, affine);     // dw
    AddConvBn(branch_main, mid, main_out, 1, 1, 1, affine);  // pw
    AddRelu(branch_main);
  } else {
    AddConvBn(branch_main, main_in, mid, 1, 1, 1, affine);  // pw
    AddRelu(branch_main);
    AddConvBn(branch_main, mid, mid, k, o.stride(), mid, affine);  // dw
    AddConvBn(branch_main, mid, main_out, 1, 1, 1, affine);        // pw-linear
    AddRelu(branch_main);
  }
  register_module("branch_main", branch_main);
  if (o.stride() == 2) {
    branch_proj = torch::nn::Sequential();
    AddConvBn(branch_proj, in, in, k, 2, in, affine);  // dw
    AddConvBn(branch_proj, in, in, 1, 1, 1, affine);   // pw
    AddRelu(branch_proj);
    register_module("branch_proj", branch_proj);
  } else {
    branch_proj = nullptr;
  }
}

at::Tensor ShuffleBlockImpl::forward(at::Tensor x) {
  if (options.stride() == 1) {
    auto [pass, main] = ChannelShuffle(x);
    return torch::cat({pass, branch_main->forward(main)}, 1);
  }
  return torch::cat({branch_proj->forward(x), branch_main->forward(x)}, 1);
}

void ShuffleBlockImpl::pretty_print(std::ostream& stream) const {
  stream << "nas::spos::ShuffleBlock(" << options.in_channels() << " -> " << options.out_channels()
         << ", "
         << (options.xception()
                 ? std::string("xception_3x3")
                 : absl::StrCat("shufflenet_", options.kernel_size(), "x", options.kernel_size()))
         << ", stride=" << options.stride() << ", affine=" << options.affine() << ")";
}

// ---------------------------------------------------------------------------
// Stem, head, supernet

torch::nn::Sequential MakeShuffleNetStem(const ShuffleNetSpaceOptions& o) {
  torch::nn::Sequential stem;
  AddConvBn(stem, o.in_channels, o.stem_channels, 3, o.stem_stride, 1, o.affine);
  AddRelu(stem);
  return stem;
}

ShuffleNetHeadImpl::ShuffleNetHeadImpl(const ShuffleNetSpaceOptions& o) {
  const int64_t in = o.stage_channels.empty() ? o.stem_channels : o.stage_channels.back();
  conv_last = torch::nn::Sequential();
  AddConvBn(conv_last, in, o.last_channels, 1, 1, 1, o.affine);
  AddRelu(conv_last);
  register_module("conv_last", conv_last);
  dropout = register_module("dropout", torch::nn::Dropout(o.dropout));
  classifier = register_module(
      "classifier",
      torch::nn::Linear(torch::nn::LinearOptions(o.last_channels, o.classes).bias(false)));
}

at::Tensor ShuffleNetHeadImpl::forward(at::Tensor x) {
  x = conv_last->forward(x);
  x = GlobalAveragePool(x);  // the authors' AvgPool2d(7) at 224
  return classifier->forward(dropout->forward(x));
}

ShuffleNetSupernetImpl::ShuffleNetSupernetImpl(ShuffleNetSpaceOptions options)
    : options_(std::move(options)) {
  absl::Status valid = ValidateShuffleNetSpaceOptions(options_);
  TORCH_CHECK(valid.ok(), std::string(valid.message()));
  geometry_ = ShuffleNetBlocks(options_);
  first_conv = register_module("first_conv", MakeShuffleNetStem(options_));
  features = register_module("features", torch::nn::ModuleList());
  for (const BlockGeometry& b : geometry_) {
    std::vector<torch::nn::NamedAnyModule> candidates;
    for (int c = 0; c < kNumShuffleNetCandidates; ++c) {
      ShuffleBlock block(ShuffleBlockOptions::ForCandidate(b, c, options_.affine));
      candidates.emplace_back(ShuffleNetCandidateNames()[c], block);
    }
    LayerChoice choice(std::move(candidates), LayerChoiceOptions().key(b.key));
    features->push_back(choice);
    blocks.push_back(choice);
  }
  head = register_module("head", ShuffleNetHead(options_));
  initialize_weights();
}

void ShuffleNetSupernetImpl::initialize_weights() {
  torch::NoGradGuard no_grad;
  const torch::nn::Module* first = first_conv[0].get();
  for (const auto& m : modules(/*include_self=*/false)) {
    if (auto* conv = m->as<torch::nn::Conv2d>()) {
      // N(0, 1 / weight.size(1)) as the authors write it: a std, so 1 for
      // depthwise convs.
      const double std = m.get() == first ? kSmallInitStd : 1.0 / conv->weight.size(1);
      conv->weight.normal_(0, std);
      if (conv->bias.defined()) conv->bias.zero_();
    } else if (auto* bn = m->as<torch::nn::BatchNorm2d>()) {
      if (bn->weight.defined()) bn->weight.fill_(1);
      if (bn->bias.defined()) bn->bias.fill_(kBnBiasInit);
      if (bn->running_mean.defined()) bn->running_mean.zero_();
    } else if (auto* fc = m->as<torch::nn::Linear>()) {
      fc->weight.normal_(0, kSmallInitStd);
      if (fc->bias.defined()) fc->bias.zero_();
    }
  }
}

at::Tensor ShuffleNetSupernetImpl::forward(at::Tensor x) {
  x = first_conv->forward(x);
  for (auto& block : blocks) x = block(x);
  return head(x);
}

std::vector<int64_t> ShuffleNetSupernetImpl::input_shape() const {
  return {options_.in_channels, options_.image_size, options_.image_size};
}

absl::StatusOr<std::shared_ptr<ShuffleNetSupernetImpl>> MakeShuffleNet(
    const ShuffleNetSpaceOptions& options) {
  NAS_RETURN_IF_ERROR(ValidateShuffleNetSpaceOptions(options));
  std::shared_ptr<ShuffleNetSupernetImpl> model;
  NAS_RETURN_IF_ERROR(CatchExceptions([&] {
    model = std::make_shared<ShuffleNetSupernetImpl>(options);
    return absl::OkStatus();
  }));
  return model;
}

absl::StatusOr<BuiltSpace> MakeShuffleNetSpace(const Json& options) {
  NAS_ASSIGN_OR_RETURN(ShuffleNetSpaceOptions o, ShuffleNetSpaceOptionsFromJson(options));
  NAS_ASSIGN_OR_RETURN(std::shared_ptr<ShuffleNetSupernetImpl> model, MakeShuffleNet(o));
  BuiltSpace built;
  built.model = model;
  built.input_shape = model->input_shape();
  built.forward = [model](const at::Tensor& x) { return model->forward(x); };
  return built;
}

}  // namespace nas::spos

NAS_REGISTER(nas::SpaceRegistry(), nas::spos::kShuffleNetSpaceName,
             &nas::spos::MakeShuffleNetSpace);
