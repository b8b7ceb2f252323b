// DARTS costs, in one run: a search step of first-order DARTS, of
// second-order DARTS, and a plain training step of a fixed network of the
// same size (the search network's geometry fixed to one genotype), each on
// the trainers themselves, in alternating rounds (median per-step time).
//
// RUN: tools/bazel run //algorithms/darts:bench -- [--batch=64 --steps=3 --rounds=3]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gflags/gflags.h>
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/nn/modules/container/any.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "algorithms/darts/darts_ops.h"
#include "algorithms/darts/darts_space.h"
#include "algorithms/darts/darts_trainer.h"
#include "algorithms/darts/eval_trainer.h"
#include "datasets/loader.h"
#include "datasets/synthetic.h"
#include "nas/base/init.h"
#include "nas/base/torch/memory_format.h"
#include "nas/core/fixed_architecture.h"
#include "tools/bench/python_reference.h"

DEFINE_int32(batch, 64, "Batch size.");
DEFINE_int32(steps, 3, "Timed steps per round.");
DEFINE_int32(rounds, 3, "Alternating rounds (the median is reported).");
DEFINE_bool(steps_only, false, "Time the operations only (no search steps).");
DEFINE_bool(ops, true,
            "Also time each operation alone (forward + backward) at the first cell's geometry.");
DEFINE_bool(channels_last, true,
            "Convolution weights and the operations' input in channels-last memory format, as "
            "the trainers' default memory_format (nas/base/torch/memory_format.h); false: "
            "contiguous.");
DEFINE_bool(second_order, true, "Also time the second-order search step.");
DEFINE_string(profile, "",
              "Write LibTorch's profile (Chrome trace JSON) of one first-order search step "
              "to this file, after the timed rounds.");
DEFINE_int32(op_warmup, 3, "Untimed calls of each operation before the timed ones.");
DEFINE_int32(op_reps, 30, "Timed calls of each operation (the median is reported).");
DEFINE_string(network, "search_fashion_mnist",
              "Network preset (search_fashion_mnist or search_cifar10).");

namespace {

using Clock = std::chrono::steady_clock;
using nas::darts::DartsNetwork;

// The trainers' own steps, called directly.
class DartsStepper : public nas::darts::DartsTrainer {
 public:
  using DartsTrainer::DartsTrainer;
  using DartsTrainer::train_step;
};
class FixedStepper : public nas::darts::EvalTrainer {
 public:
  using EvalTrainer::EvalTrainer;
  using EvalTrainer::train_step;
};

// The trainers' conversion (their steps are called directly here, so fit()
// does not convert): convolutions then produce channels-last activations.
void ToChannelsLast(torch::nn::Module& module) {
  nas::ToMemoryFormat(module, at::MemoryFormat::ChannelsLast);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Median milliseconds of `f` over FLAGS_op_reps calls, after FLAGS_op_warmup
// untimed ones (the first calls allocate and fill the caches).
double TimeMs(const std::function<void()>& f) {
  for (int i = 0; i < FLAGS_op_warmup; ++i) f();
  std::vector<double> ms;
  for (int i = 0; i < FLAGS_op_reps; ++i) {
    auto start = Clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  return Median(ms);
}

// The parameter-free operations written directly on LibTorch's functions:
// what our modules cost at best.
std::map<std::string, std::function<at::Tensor(const at::Tensor&)>> RawOps(
    const nas::darts::DartsNetworkOptions& o) {
  // Running statistics made once, as a BatchNorm module holds them.
  auto bn = [o, mean = at::zeros({o.channels}), var = at::ones({o.channels})](const at::Tensor& y) {
    if (!o.pool_bn) return y;
    return at::batch_norm(y, {}, {}, mean, var, /*training=*/true, 0.1, 1e-5,
                          /*cudnn_enabled=*/false);
  };
  return {
      {"none", [](const at::Tensor& x) { return x.mul(0.); }},
      {"max_pool_3x3",
       [bn](const at::Tensor& x) {
         return bn(at::max_pool2d(x, {3, 3}, {1, 1}, {1, 1}));
       }},
      {"avg_pool_3x3",
       [bn](const at::Tensor& x) {
         return bn(at::avg_pool2d(x, {3, 3}, {1, 1}, {1, 1}, false, /*count_include_pad=*/false));
       }},
      {"skip_connect", [](const at::Tensor& x) { return x; }},
  };
}

// Forward + backward of each candidate operation on the first cell's input
// (gradients dropped between calls, as a step's zero_grad does): our module,
// the same computation on LibTorch's functions, and PyTorch from Python on
// the same LibTorch (tools/bench/python/darts_ops.py).
void OpCosts(const nas::darts::DartsNetworkOptions& o) {
  at::Tensor x = torch::randn({FLAGS_batch, o.channels, o.image_size, o.image_size});
  if (FLAGS_channels_last) x = nas::InMemoryFormat(x, at::MemoryFormat::ChannelsLast);
  x.requires_grad_(true);
  auto forward_backward = [&](const std::function<at::Tensor(const at::Tensor&)>& op) {
    return TimeMs([&] {
      x.mutable_grad() = at::Tensor();
      op(x).sum().backward();
    });
  };
  absl::StatusOr<nas::Json> python = nas::bench::RunPythonReference(
      "tools/bench/python/darts_ops.py",
      {absl::StrCat("--batch=", FLAGS_batch), absl::StrCat("--channels=", o.channels),
       absl::StrCat("--size=", o.image_size), absl::StrCat("--threads=", at::get_num_threads()),
       absl::StrCat("--warmup=", FLAGS_op_warmup), absl::StrCat("--reps=", FLAGS_op_reps),
       o.affine ? "--affine" : "--noaffine", o.pool_bn ? "--pool_bn" : "--nopool_bn",
       FLAGS_channels_last ? "--channels_last" : "--nochannels_last"});
  printf(
      "operations alone, %d x %ld x %ld x %ld%s, forward + backward, %d threads (median of %d "
      "after %d warm-up calls):\n",
      FLAGS_batch, o.channels, o.image_size, o.image_size,
      FLAGS_channels_last ? " channels-last" : "", at::get_num_threads(), FLAGS_op_reps,
      FLAGS_op_warmup);
  printf("  %-14s %9s %12s %9s %10s\n", "operation", "ours ms", "LibTorch ms", "Python ms",
         "ours/Python");
  const auto raw = RawOps(o);
  for (const std::string& name : nas::darts::DartsOpNames()) {
    torch::nn::AnyModule op =
        nas::darts::MakeOp(name, nas::darts::OpOptions(o.channels, 1, o.affine, o.pool_bn));
    if (FLAGS_channels_last) ToChannelsLast(*op.ptr());
    const double ours = forward_backward([&](const at::Tensor& in) { return op.forward(in); });
    auto it = raw.find(name);
    const std::string plain =
        it == raw.end() ? "-" : absl::StrFormat("%.2f", forward_backward(it->second));
    double py = -1;
    if (python.ok() && python->contains("ms") && (*python)["ms"].contains(name)) {
      py = (*python)["ms"][name].get<double>();
    }
    printf("  %-14s %9.2f %12s %9s %10s\n", name.c_str(), ours, plain.c_str(),
           py < 0 ? "-" : absl::StrFormat("%.2f", py).c_str(),
           py <= 0 ? "-" : absl::StrFormat("%.2f", ours / py).c_str());
  }
  if (!python.ok())
    printf("  Python reference: %s\n", std::string(python.status().message()).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("DARTS benchmark: first-order vs second-order search step vs a fixed network.",
                &argc, &argv);
  nas::darts::DartsNetworkOptions options = *nas::darts::DartsNetworkPreset(FLAGS_network);
  setvbuf(stdout, nullptr, _IOLBF, 0);
  if (FLAGS_ops) OpCosts(options);
  if (FLAGS_steps_only) return 0;
  nas::datasets::DatasetOptions data_options;
  data_options.synthetic_size = 4 * FLAGS_batch;
  nas::datasets::ImageDataset data = *nas::datasets::MakeSynthetic(data_options);
  if (options.in_channels == 3) {  // CIFAR geometry: repeat and pad the synthetic images
    data.images = at::constant_pad_nd(data.images.repeat({1, 3, 1, 1}), {2, 2, 2, 2});
    data.mean = {data.mean[0], data.mean[0], data.mean[0]};
    data.std = {data.std[0], data.std[0], data.std[0]};
  }

  nas::datasets::DataLoader loader(
      data, nas::datasets::LoaderOptions().batch_size(FLAGS_batch).workers(0).drop_last(true));
  std::vector<nas::Batch> batches;
  loader.start_epoch(0);
  while (auto batch = loader.next()) batches.push_back(*batch);

  torch::manual_seed(0);
  DartsNetwork first_net(options), second_net(options), fixed_net(options);
  if (FLAGS_channels_last) {
    for (DartsNetwork* net : {&first_net, &second_net, &fixed_net}) ToChannelsLast(**net);
  }
  nas::TrainerOptions t;
  t.progress = false;
  nas::darts::DartsTrainerOptions first_options, second_options;
  second_options.unrolled = true;
  DartsStepper first(t, first_options, first_net, &loader, &loader, nullptr);
  DartsStepper second(t, second_options, second_net, &loader, &loader, nullptr);
  // The fixed network: the same geometry fixed to the (initial) genotype.
  nas::apply_fixed_architecture(fixed_net, first.mutator().export_architecture());
  nas::darts::EvalTrainerOptions eval;
  eval.drop_path_prob = 0;
  FixedStepper fixed(t, eval, fixed_net, &loader, nullptr);

  auto time = [&](const std::function<void(const nas::Batch&)>& step) {
    auto start = Clock::now();
    for (int i = 0; i < FLAGS_steps; ++i) step(batches[i % batches.size()]);
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count() / FLAGS_steps;
  };
  std::vector<double> first_ms, second_ms, fixed_ms;
  for (int round = 0; round <= FLAGS_rounds; ++round) {  // round 0 warms up
    double a = time([&](const nas::Batch& b) { first.train_step(b); });
    double b = FLAGS_second_order ? time([&](const nas::Batch& b) { second.train_step(b); }) : 0;
    double c = time([&](const nas::Batch& b) { fixed.train_step(b); });
    if (round == 0) continue;
    first_ms.push_back(a);
    second_ms.push_back(b);
    fixed_ms.push_back(c);
  }
  if (!FLAGS_profile.empty()) {
    torch::autograd::profiler::RecordProfile profile(FLAGS_profile);
    first.train_step(batches[0]);
  }
  const double f = Median(first_ms), s = Median(second_ms), x = Median(fixed_ms);
  printf("DARTS step, %s, batch %d%s (median of %d rounds x %d steps):\n", FLAGS_network.c_str(),
         FLAGS_batch, FLAGS_channels_last ? ", channels-last" : "", FLAGS_rounds, FLAGS_steps);
  printf("  fixed network (same geometry)  %9.1f ms   1.00\n", x);
  printf("  first-order search step        %9.1f ms   %5.2f x fixed\n", f, f / x);
  if (FLAGS_second_order) {
    printf("  second-order search step       %9.1f ms   %5.2f x fixed   %5.2f x first order\n", s,
           s / x, s / f);
  }
  return 0;
}
