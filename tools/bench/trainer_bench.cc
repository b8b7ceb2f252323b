// What the trainer base costs and what its options buy, in one table:
//   * a training step through nas::Trainer vs the same step written as a
//     plain LibTorch loop (same model, same batches): overhead ratio, goal
//     <= 1.03;
//   * bf16 autocast vs fp32;
//   * 1 process with batch 2B vs 2 data-parallel processes with batch B
//     (images per second; one intra-op thread per process each way, since
//     this machine has 2 cores).
// Each configuration runs in a fresh child process.
//
// RUN: tools/bazel run //tools/bench:trainer_bench

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <gflags/gflags.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>

#include "nas/base/init.h"
#include "nas/base/torch/runtime.h"
#include "nas/train/trainer.h"
#include "tools/bench/spawn.h"

DEFINE_string(mode, "", "Internal: one configuration (loop, trainer, trainer_bf16, ddp).");
DEFINE_int32(steps, 40, "Timed steps per configuration.");
DEFINE_int32(batch, 64, "Batch size (per process for ddp).");
DEFINE_int32(rounds, 5, "Alternating loop/trainer rounds (the median is reported).");

namespace {

using Clock = std::chrono::steady_clock;

torch::nn::Sequential MakeNet() {
  torch::manual_seed(0);
  return torch::nn::Sequential(
      torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 32, 3).padding(1)), torch::nn::BatchNorm2d(32),
      torch::nn::ReLU(), torch::nn::MaxPool2d(2),
      torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3).padding(1)), torch::nn::BatchNorm2d(64),
      torch::nn::ReLU(), torch::nn::AdaptiveAvgPool2d(1), torch::nn::Flatten(),
      torch::nn::Linear(64, 10));
}

// Pre-made batches: data loading is not what is measured here.
class MemorySource : public nas::BatchSource {
 public:
  MemorySource(int64_t batches, int64_t batch) {
    for (int64_t i = 0; i < batches; ++i) {
      data_.push_back(torch::randn({batch, 1, 28, 28}));
      target_.push_back(torch::randint(10, {batch}));
    }
  }
  int64_t batches_per_epoch() const override { return static_cast<int64_t>(data_.size()); }
  void start_epoch(int64_t, int64_t start) override { next_ = start; }
  std::optional<nas::Batch> next() override {
    if (next_ >= batches_per_epoch()) return std::nullopt;
    nas::Batch b;
    b.data = data_[next_];
    b.target = target_[next_];
    b.index = next_++;
    return b;
  }

 private:
  std::vector<at::Tensor> data_, target_;
  int64_t next_ = 0;
};

class BenchTrainer : public nas::Trainer {
 public:
  BenchTrainer(nas::TrainerOptions o, torch::nn::Sequential net, nas::BatchSource* source,
               nas::Distributed* dist)
      : Trainer(o, net.ptr(), source, dist),
        net_(net),
        sgd_(net->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9)) {
    add_optimizer("sgd", &sgd_, nas::ConstantLr(0.01));
  }

 protected:
  nas::Metrics train_step(const nas::Batch& batch) override {
    at::Tensor logits;
    {
      auto guard = autocast();
      logits = net_->forward(batch.data);
    }
    at::Tensor loss = torch::nn::functional::cross_entropy(logits.to(at::kFloat), batch.target);
    sgd_.zero_grad();
    backward(loss);
    step(sgd_);
    return {{"loss", loss.item<double>()}};
  }

 private:
  torch::nn::Sequential net_;
  torch::optim::SGD sgd_;
};

// Milliseconds per step of `mode` in this process.
double RunMode(const std::string& mode) {
  const int warmup = 5;
  auto env = nas::DistributedEnvFromEnvironment();
  auto dist = nas::Distributed::Create(*env);
  if (!dist.ok()) {
    fprintf(stderr, "%s\n", std::string(dist.status().message()).c_str());
    exit(1);
  }
  MemorySource source(warmup + FLAGS_steps, FLAGS_batch);
  auto net = MakeNet();
  if (mode == "loop") {
    torch::optim::SGD sgd(net->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
    source.start_epoch(0, 0);
    Clock::time_point start;
    int i = 0;
    while (auto b = source.next()) {
      if (i++ == warmup) start = Clock::now();
      at::Tensor loss = torch::nn::functional::cross_entropy(net->forward(b->data), b->target);
      sgd.zero_grad();
      loss.backward();
      sgd.step();
      loss.item<double>();
    }
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count() / FLAGS_steps;
  }
  nas::TrainerOptions o;
  o.progress = false;
  o.log_every = 1000000;  // no log line inside the timed steps
  o.max_steps = warmup;
  o.precision = mode == "trainer_bf16" ? "bf16" : "fp32";
  BenchTrainer warm(o, net, &source, dist->get());
  if (!warm.fit().ok()) exit(1);
  o.max_steps = 0;
  MemorySource timed(FLAGS_steps, FLAGS_batch);
  BenchTrainer trainer(o, net, &timed, dist->get());
  auto start = Clock::now();
  if (!trainer.fit().ok()) exit(1);
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count() / FLAGS_steps;
}

// Runs this binary with --mode in `nproc` child processes; returns rank 0's
// ms/step (or -1).
double Spawn(const std::string& mode, int nproc, int batch, int threads) {
  return nas::bench::SpawnSelf(
      nproc, {"--mode=" + mode, "--steps=" + std::to_string(FLAGS_steps),
              "--batch=" + std::to_string(batch), "--threads=" + std::to_string(threads)});
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("Benchmarks the trainer base.", &argc, &argv);
  if (!FLAGS_mode.empty()) {
    printf("%.4f\n", RunMode(FLAGS_mode));
    return 0;
  }
  const int cores = nas::UsableCores();
  // Alternating rounds, median: the overhead ratio is a few percent, below
  // this machine's run-to-run noise in a single pair.
  std::vector<double> loops, trainers;
  for (int round = 0; round < FLAGS_rounds; ++round) {
    loops.push_back(Spawn("loop", 1, FLAGS_batch, cores));
    trainers.push_back(Spawn("trainer", 1, FLAGS_batch, cores));
  }
  std::sort(loops.begin(), loops.end());
  std::sort(trainers.begin(), trainers.end());
  double loop = loops[loops.size() / 2], trainer = trainers[trainers.size() / 2];
  double bf16 = Spawn("trainer_bf16", 1, FLAGS_batch, cores);
  double one = Spawn("trainer", 1, 2 * FLAGS_batch, 1);
  double one_all = Spawn("trainer", 1, 2 * FLAGS_batch, cores);
  double two = Spawn("trainer", 2, FLAGS_batch, 1);
  if (loop < 0 || trainer < 0 || bf16 < 0 || one < 0 || one_all < 0 || two < 0) {
    fprintf(stderr, "error: a configuration failed\n");
    return 1;
  }
  printf("small conv net, 28x28x1, batch %d, %d timed steps, %d cores\n", FLAGS_batch, FLAGS_steps,
         cores);
  printf("%-48s %10s %10s\n", "configuration", "ms/step", "ratio");
  printf("%-48s %10.2f %10s\n", "hand-written LibTorch loop (fp32)", loop, "1.00");
  printf("%-48s %10.2f %10.3f\n", "nas::Trainer (fp32)", trainer, trainer / loop);
  printf("%-48s %10.2f %10.3f\n", "nas::Trainer, bf16 autocast", bf16, bf16 / trainer);
  printf("%-48s %10s %10s\n", "", "images/s", "ratio");
  printf("%-48s %10.0f %10s\n", "1 process, batch 2B, 1 thread", 2 * FLAGS_batch * 1000 / one,
         "1.00");
  printf("%-48s %10.0f %10.3f\n", "1 process, batch 2B, all cores",
         2 * FLAGS_batch * 1000 / one_all, one / one_all);
  printf("%-48s %10.0f %10.3f\n", "2 processes (Gloo), batch B each, 1 thread each",
         2 * FLAGS_batch * 1000 / two, one / two);
  return 0;
}
