// Measures what the runtime defaults (nas/base/torch/runtime.h) buy: the step time
// of a small conv-net training step (SGD, batch 128, 32x32x3 inputs) in fresh
// processes with LibTorch's and glibc's own defaults, then with each of our
// defaults added, as ratios to the all-off step in one table.
//
// RUN: tools/bazel run //tools/bench:runtime_defaults_bench
//
// Each configuration runs in its own child process (this binary re-executed
// with --child), because allocator and BLAS settings cannot be undone in a
// running process.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <gflags/gflags.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>

#include "nas/base/init.h"
#include "nas/base/torch/runtime.h"

DEFINE_string(child, "", "Internal: run one configuration (threads,blas,alloc as 0/1).");
DEFINE_int32(steps, 30, "Timed training steps per configuration.");
DEFINE_int32(warmup, 5, "Untimed warm-up steps per configuration.");

namespace {

struct SmallNetImpl : torch::nn::Module {
  SmallNetImpl()
      : conv1(register_module("conv1",
                              torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 32, 3).padding(1)))),
        bn1(register_module("bn1", torch::nn::BatchNorm2d(32))),
        conv2(register_module("conv2",
                              torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3).padding(1)))),
        bn2(register_module("bn2", torch::nn::BatchNorm2d(64))),
        fc1(register_module("fc1", torch::nn::Linear(64 * 8 * 8, 512))),
        fc2(register_module("fc2", torch::nn::Linear(512, 10))) {}

  torch::Tensor forward(torch::Tensor x) {
    x = torch::max_pool2d(torch::relu(bn1(conv1(x))), 2);
    x = torch::max_pool2d(torch::relu(bn2(conv2(x))), 2);
    x = torch::relu(fc1(x.flatten(1)));
    return fc2(x);
  }

  torch::nn::Conv2d conv1;
  torch::nn::BatchNorm2d bn1;
  torch::nn::Conv2d conv2;
  torch::nn::BatchNorm2d bn2;
  torch::nn::Linear fc1, fc2;
};
TORCH_MODULE(SmallNet);

// Median milliseconds per training step.
double TimeSteps() {
  torch::manual_seed(0);
  SmallNet net;
  torch::optim::SGD opt(net->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
  std::vector<double> ms;
  for (int i = 0; i < FLAGS_warmup + FLAGS_steps; ++i) {
    // Fresh batches each step, as a data loader delivers them.
    torch::Tensor x = torch::randn({128, 3, 32, 32});
    torch::Tensor y = torch::randint(0, 10, {128});
    auto start = std::chrono::steady_clock::now();
    opt.zero_grad();
    torch::Tensor loss = torch::nn::functional::cross_entropy(net->forward(x), y);
    loss.backward();
    opt.step();
    double elapsed =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (i >= FLAGS_warmup) ms.push_back(elapsed);
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

int RunChild(const std::string& config) {
  int threads = 0, blas = 0, alloc = 0;
  if (sscanf(config.c_str(), "%d,%d,%d", &threads, &blas, &alloc) != 3) return 2;
  if (threads || blas || alloc) {
    nas::RuntimeOptions options;
    options.intra_op_threads = threads ? 0 : at::get_num_threads();
    options.single_thread_blas = blas;
    options.tune_allocator = alloc;
    nas::ApplyRuntimeDefaults(options);
  }
  printf("%d %.3f\n", at::get_num_threads(), TimeSteps());
  return 0;
}

struct Result {
  std::string name;
  int threads = 0;
  double ms = 0;
};

bool RunConfig(const char* self, const std::string& config, Result* result) {
  int fds[2];
  if (pipe(fds) != 0) return false;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    // The "off" configurations must see glibc's and OpenBLAS's defaults.
    unsetenv("OPENBLAS_NUM_THREADS");
    unsetenv("OMP_NUM_THREADS");
    unsetenv("MALLOC_MMAP_THRESHOLD_");
    unsetenv("MALLOC_TRIM_THRESHOLD_");
    std::string child = "--child=" + config;
    std::string steps = "--steps=" + std::to_string(FLAGS_steps);
    std::string warmup = "--warmup=" + std::to_string(FLAGS_warmup);
    execl(self, self, child.c_str(), steps.c_str(), warmup.c_str(), nullptr);
    _exit(127);
  }
  close(fds[1]);
  char buf[128] = {0};
  ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return n > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
         sscanf(buf, "%d %lf", &result->threads, &result->ms) == 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]).rfind("--child=", 0) == 0) {
    gflags::ParseCommandLineFlags(&argc, &argv, true);
    return RunChild(FLAGS_child);
  }
  nas::InitMain("Benchmarks the runtime defaults on a small conv-net training step.", &argc, &argv);
  const std::vector<std::pair<std::string, std::string>> configs = {
      {"LibTorch/glibc defaults", "0,0,0"},      {"+ threads = cores", "1,0,0"},
      {"+ threads, OpenBLAS 1 thread", "1,1,0"}, {"+ threads, allocator", "1,0,1"},
      {"all runtime defaults (ours)", "1,1,1"},
  };
  std::vector<Result> results;
  for (const auto& [name, config] : configs) {
    Result r;
    r.name = name;
    if (!RunConfig("/proc/self/exe", config, &r)) {
      fprintf(stderr, "error: configuration '%s' failed\n", name.c_str());
      return 1;
    }
    results.push_back(r);
  }
  printf("small conv-net training step, batch 128, 32x32x3, median of %d steps\n", FLAGS_steps);
  printf("%-32s %8s %10s %12s\n", "configuration", "threads", "ms/step", "vs defaults");
  for (const Result& r : results) {
    printf("%-32s %8d %10.2f %11.2fx\n", r.name.c_str(), r.threads, r.ms, results[0].ms / r.ms);
  }
  return 0;
}
