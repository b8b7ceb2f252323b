#include "nas/testing/toy_spaces.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/named_any.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/nn/pimpl.h>

#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"
#include "nas/core/mutable_scope.h"

namespace nas::testing {
namespace {

using torch::nn::AnyModule;
using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;
using torch::nn::NamedAnyModule;

Conv2d Conv(int64_t c, int64_t k) { return Conv2d(Conv2dOptions(c, c, k).padding(k / 2)); }

torch::nn::MaxPool2d Pool() {
  return torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(1).padding(1));
}

struct HeadImpl : torch::nn::Module {
  HeadImpl(int64_t c) : fc(register_module("fc", torch::nn::Linear(c, 4))) {}
  at::Tensor forward(at::Tensor x) { return fc(x.mean({2, 3})); }
  torch::nn::Linear fc;
};
TORCH_MODULE(Head);

struct ToyChainNetImpl : torch::nn::Module {
  ToyChainNetImpl()
      : stem(register_module("stem", Conv2d(Conv2dOptions(3, 8, 3).padding(1)))),
        op1(register_module("op1", LayerChoice(std::vector<NamedAnyModule>{{"conv3x3", Conv(8, 3)},
                                                                           {"conv5x5", Conv(8, 5)},
                                                                           {"maxpool", Pool()}},
                                               LayerChoiceOptions().key("op1")))),
        shared_a(register_module("shared_a",
                                 LayerChoice(std::vector<NamedAnyModule>{{"conv3x3", Conv(8, 3)},
                                                                         {"conv1x1", Conv(8, 1)}},
                                             LayerChoiceOptions().key("shared")))),
        shared_b(register_module("shared_b",
                                 LayerChoice(std::vector<NamedAnyModule>{{"conv3x3", Conv(8, 3)},
                                                                         {"conv1x1", Conv(8, 1)}},
                                             LayerChoiceOptions().key("shared")))),
        unnamed(register_module("unnamed", LayerChoice(std::vector<AnyModule>{
                                               AnyModule(Conv(8, 1)), AnyModule(Conv(8, 3))}))),
        head(register_module("head", Head(8))) {}

  at::Tensor forward(at::Tensor x) {
    x = torch::relu(stem(x));
    x = op1(x);
    x = torch::relu(shared_a(x));
    x = torch::relu(shared_b(x));
    x = unnamed(x);
    return head(x);
  }

  Conv2d stem;
  LayerChoice op1, shared_a, shared_b, unnamed;
  Head head;
};
TORCH_MODULE(ToyChainNet);

// One cell: two candidate ops, an input choice over them and the cell input.
struct ToyCellBodyImpl : torch::nn::Module {
  ToyCellBodyImpl()
      : a(register_module("a", LayerChoice(std::vector<NamedAnyModule>{{"conv3x3", Conv(8, 3)},
                                                                       {"maxpool", Pool()}},
                                           LayerChoiceOptions().key("cell_a")))),
        b(register_module("b", LayerChoice(std::vector<NamedAnyModule>{{"conv1x1", Conv(8, 1)},
                                                                       {"conv3x3", Conv(8, 3)}},
                                           LayerChoiceOptions().key("cell_b")))),
        pick(register_module("pick", InputChoice(InputChoiceOptions()
                                                     .choose_from({"cell_a", "cell_b", ""})
                                                     .n_chosen(1)
                                                     .key("pick")))),
        any(register_module(
            "any",
            InputChoice(
                InputChoiceOptions().n_candidates(3).reduction(Reduction::kMean).key("any")))) {}

  at::Tensor forward(at::Tensor x) {
    at::Tensor ya = a(x);
    at::Tensor yb = b(x);
    at::Tensor picked = pick->forward_by_key({{"cell_a", ya}, {"cell_b", yb}});
    if (!picked.defined()) picked = x;  // the unnamed input is missing
    // The third input of `any` is missing: choosing it alone gives nothing.
    at::Tensor extra = any(std::vector<at::Tensor>{ya, yb, at::Tensor()});
    return extra.defined() ? picked + extra : picked;
  }

  LayerChoice a, b;
  InputChoice pick, any;
};
TORCH_MODULE(ToyCellBody);

struct ToyCellNetImpl : torch::nn::Module {
  ToyCellNetImpl()
      : stem(register_module("stem", Conv2d(Conv2dOptions(3, 8, 3).padding(1)))),
        cell(register_module("cell", MutableScope("cell", AnyModule(ToyCellBody())))),
        skip(register_module(
            "skip",
            InputChoice(InputChoiceOptions().choose_from({"cell", ""}).n_chosen(1).key("skip")))),
        head(register_module("head", Head(8))) {}

  at::Tensor forward(at::Tensor x) {
    x = torch::relu(stem(x));
    at::Tensor y = cell(x);
    at::Tensor s = skip(std::vector<at::Tensor>{y, x});
    return head(s);
  }

  Conv2d stem;
  MutableScope cell;
  InputChoice skip;
  Head head;
};
TORCH_MODULE(ToyCellNet);

struct ToyBlockImpl : torch::nn::Module {
  ToyBlockImpl()
      : choice(register_module("choice",
                               LayerChoice(std::vector<NamedAnyModule>{{"conv3x3", Conv(8, 3)},
                                                                       {"conv5x5", Conv(8, 5)}},
                                           LayerChoiceOptions().reduction(Reduction::kSum)))),
        bn(register_module("bn", torch::nn::BatchNorm2d(8))) {}
  at::Tensor forward(at::Tensor x) { return torch::relu(bn(choice(x))); }
  LayerChoice choice;
  torch::nn::BatchNorm2d bn;
};
TORCH_MODULE(ToyBlock);

struct ToyNestedNetImpl : torch::nn::Module {
  ToyNestedNetImpl()
      : stem(register_module("stem", Conv2d(Conv2dOptions(3, 8, 3).padding(1)))),
        blocks(register_module("blocks", torch::nn::Sequential(ToyBlock(), ToyBlock()))),
        head(register_module("head", Head(8))) {}
  at::Tensor forward(at::Tensor x) { return head(blocks->forward(torch::relu(stem(x)))); }
  Conv2d stem;
  torch::nn::Sequential blocks;
  Head head;
};
TORCH_MODULE(ToyNestedNet);

template <typename Impl>
ToySpace Make(const std::string& name) {
  return ToySpace{
      name, [] { return std::static_pointer_cast<torch::nn::Module>(std::make_shared<Impl>()); },
      [](torch::nn::Module& m, const at::Tensor& x) { return static_cast<Impl&>(m).forward(x); }};
}

}  // namespace

std::vector<ToySpace> ToySpaces() {
  return {Make<ToyChainNetImpl>("chain"), Make<ToyCellNetImpl>("cell"),
          Make<ToyNestedNetImpl>("nested")};
}

at::Tensor ToyInput(int64_t batch) { return torch::randn({batch, 3, 8, 8}); }

}  // namespace nas::testing
