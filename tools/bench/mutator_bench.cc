// What the mutator costs. In one run:
//   1. forward+backward of a 20-choice supernet on a sampled path (the
//      mutator picks the candidates each step, reset() included) vs the
//      same architecture as a plain fixed model; goal: ratio <= 1.05;
//   2. a float-mask (DARTS-style) LayerChoice forward+backward vs the same
//      weighted sum written by hand.
//
// RUN: tools/bazel run //tools/bench:mutator_bench
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <gflags/gflags.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/named_any.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>
#include <torch/utils.h>

#include "nas/base/init.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/layer_choice.h"
#include "nas/core/mutator.h"

DEFINE_int32(steps, 20, "Timed steps per configuration and round.");
DEFINE_int32(rounds, 5, "Alternating measurement rounds (the median is reported).");

namespace {

using torch::nn::Conv2dOptions;

struct ConvBnImpl : torch::nn::Module {
  ConvBnImpl(int64_t c, int64_t k, int64_t groups)
      : conv(register_module(
            "conv",
            torch::nn::Conv2d(Conv2dOptions(c, c, k).padding(k / 2).groups(groups).bias(false)))),
        bn(register_module("bn", torch::nn::BatchNorm2d(c))) {}
  at::Tensor forward(at::Tensor x) { return torch::relu(bn(conv(x))); }
  torch::nn::Conv2d conv;
  torch::nn::BatchNorm2d bn;
};
TORCH_MODULE(ConvBn);

nas::LayerChoice Block(int64_t c) {
  return nas::LayerChoice(std::vector<torch::nn::NamedAnyModule>{{"conv3x3", ConvBn(c, 3, 1)},
                                                                 {"conv5x5", ConvBn(c, 5, 1)},
                                                                 {"dwconv3x3", ConvBn(c, 3, c)},
                                                                 {"conv1x1", ConvBn(c, 1, 1)}});
}

struct SupernetImpl : torch::nn::Module {
  explicit SupernetImpl(int64_t blocks, int64_t c = 32) {
    stem = register_module("stem", torch::nn::Conv2d(Conv2dOptions(3, c, 3).padding(1)));
    for (int64_t i = 0; i < blocks; ++i) {
      choices.push_back(register_module("block" + std::to_string(i), Block(c)));
    }
    fc = register_module("fc", torch::nn::Linear(c, 10));
  }
  at::Tensor forward(at::Tensor x) {
    x = stem(x);
    for (auto& choice : choices) x = choice(x);
    return fc(x.mean({2, 3}));
  }
  torch::nn::Conv2d stem{nullptr};
  std::vector<nas::LayerChoice> choices;
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(Supernet);

// Returns the same architecture on every reset(): the cost measured is the
// mutator's machinery, not a different path.
class ReplayMutator : public nas::Mutator {
 public:
  ReplayMutator(Supernet model, nas::Architecture arch)
      : Mutator(model), decisions_(*arch.resolve(search_space())) {}
  nas::Decisions sample_search() override { return decisions_; }
  nas::Decisions sample_final() override { return decisions_; }

 private:
  nas::Decisions decisions_;
};

double MedianMs(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <typename Step>
double TimeSteps(const Step& step) {
  for (int i = 0; i < 3; ++i) step();
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < FLAGS_steps; ++i) step();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
             .count() /
         FLAGS_steps;
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("Benchmarks the mutator against plain fixed models.", &argc, &argv);
  torch::manual_seed(0);
  const int64_t kBlocks = 20;
  nas::Architecture arch;
  for (int64_t i = 0; i < kBlocks; ++i) arch.set("block" + std::to_string(i), i % 4);

  Supernet supernet(kBlocks);
  ReplayMutator mutator(supernet, arch);
  Supernet fixed(kBlocks);
  nas::apply_fixed_architecture(fixed, arch);
  at::Tensor x = torch::randn({32, 3, 16, 16});

  auto supernet_step = [&] {
    mutator.reset();
    supernet->zero_grad();
    supernet->forward(x).sum().backward();
  };
  auto fixed_step = [&] {
    fixed->zero_grad();
    fixed->forward(x).sum().backward();
  };

  // Float mask vs a hand-written weighted sum over the same candidates.
  nas::LayerChoice mixed = Block(32);
  class WeightMutator : public nas::Mutator {
   public:
    WeightMutator(nas::LayerChoice m, at::Tensor w) : Mutator(m), w_(std::move(w)) {}
    nas::Decisions sample_search() override { return {{search_space().choices()[0].key, w_}}; }
    nas::Decisions sample_final() override { return sample_search(); }
    at::Tensor w_;
  };
  at::Tensor alpha = torch::zeros({4}, torch::requires_grad());
  at::Tensor xm = torch::randn({32, 32, 16, 16});
  WeightMutator weights(mixed, torch::softmax(alpha, 0));
  auto float_mask_step = [&] {
    weights.w_ = torch::softmax(alpha, 0);
    weights.reset();
    mixed->forward(xm).sum().backward();
  };
  auto by_hand_step = [&] {
    at::Tensor w = torch::softmax(alpha, 0);
    at::Tensor out;
    for (int64_t i = 0; i < 4; ++i) {
      torch::nn::AnyModule candidate = mixed->candidate(i);
      at::Tensor y = candidate.forward(xm) * w[i];
      out = out.defined() ? out + y : y;
    }
    out.sum().backward();
  };

  std::vector<double> s, f, m, h;
  for (int r = 0; r < FLAGS_rounds; ++r) {
    s.push_back(TimeSteps(supernet_step));
    f.push_back(TimeSteps(fixed_step));
    m.push_back(TimeSteps(float_mask_step));
    h.push_back(TimeSteps(by_hand_step));
  }
  printf("forward+backward, batch 32, 16x16, 32 channels; median of %d rounds x %d steps\n",
         FLAGS_rounds, FLAGS_steps);
  printf("%-46s %10s %8s\n", "configuration", "ms/step", "ratio");
  printf("%-46s %10.2f %8s\n", "plain fixed model (20 blocks)", MedianMs(f), "1.00");
  printf("%-46s %10.2f %8.3f\n", "supernet, sampled path (reset each step)", MedianMs(s),
         MedianMs(s) / MedianMs(f));
  printf("%-46s %10.2f %8s\n", "hand-written weighted sum (4 candidates)", MedianMs(h), "1.00");
  printf("%-46s %10.2f %8.3f\n", "LayerChoice with a float mask", MedianMs(m),
         MedianMs(m) / MedianMs(h));
  return 0;
}
