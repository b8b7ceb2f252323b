// Shows that the data loader outpaces a small model: batches per second of
// the loader alone (0 and 2 workers, Fashion-MNIST or synthetic data, with
// crop + flip + normalize) vs training steps per second of a small conv net
// on the same batches, in one table.
//
// RUN: tools/bazel run //datasets:loader_bench
#include <chrono>
#include <cstdio>

#include <gflags/gflags.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>

#include "datasets/image_dataset.h"
#include "datasets/loader.h"
#include "nas/base/init.h"

DEFINE_string(dataset, "fashion_mnist", "Registered dataset (fashion_mnist, cifar10, synthetic).");
DEFINE_string(data_dir, "", "Dataset folder; empty = the dataset's default.");
DEFINE_int32(batches, 100, "Batches timed per configuration.");
DEFINE_int32(batch_size, 128, "Batch size.");

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Batches per second drawn from `loader`, running `consume` on each.
template <typename F>
double Rate(nas::datasets::DataLoader& loader, int batches, const F& consume) {
  int done = 0;
  auto start = Clock::now();
  for (int64_t epoch = 0; done < batches; ++epoch) {
    loader.start_epoch(epoch);
    while (done < batches) {
      auto b = loader.next();
      if (!b) break;
      consume(*b);
      ++done;
    }
  }
  return done / Seconds(start);
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("Benchmarks the data loader against a small model's training step.", &argc, &argv);
  auto factory = nas::datasets::DatasetRegistry().Lookup(FLAGS_dataset);
  if (!factory.ok()) return nas::ExitWith(factory.status());
  nas::datasets::DatasetOptions options;
  options.data_dir = FLAGS_data_dir;
  options.synthetic_size = 20000;
  auto data = (*factory)(options);
  if (!data.ok()) return nas::ExitWith(data.status());
  nas::datasets::TransformOptions t;
  t.crop_padding = 2;
  t.horizontal_flip = true;

  torch::manual_seed(0);
  const int64_t c = data->images.size(1);
  torch::nn::Sequential net(torch::nn::Conv2d(torch::nn::Conv2dOptions(c, 32, 3).padding(1)),
                            torch::nn::ReLU(), torch::nn::MaxPool2d(2),
                            torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3).padding(1)),
                            torch::nn::ReLU(), torch::nn::AdaptiveAvgPool2d(1),
                            torch::nn::Flatten(), torch::nn::Linear(64, data->num_classes));
  torch::optim::SGD opt(net->parameters(), 0.01);
  auto train_step = [&](const nas::datasets::Batch& b) {
    opt.zero_grad();
    torch::nn::functional::cross_entropy(net->forward(b.data), b.target).backward();
    opt.step();
  };

  printf("%s, batch %d, crop+flip+normalize, %d batches each\n", FLAGS_dataset.c_str(),
         FLAGS_batch_size, FLAGS_batches);
  printf("%-44s %12s %10s\n", "configuration", "batches/s", "vs model");
  double model_rate = 0;
  {
    nas::datasets::DataLoader loader(
        *data,
        nas::datasets::LoaderOptions().batch_size(FLAGS_batch_size).workers(2).transforms(t));
    model_rate = Rate(loader, FLAGS_batches, train_step);
  }
  for (int workers : {0, 2}) {
    nas::datasets::DataLoader loader(
        *data,
        nas::datasets::LoaderOptions().batch_size(FLAGS_batch_size).workers(workers).transforms(t));
    double rate = Rate(loader, FLAGS_batches, [](const nas::datasets::Batch&) {});
    printf("loader alone, %d worker(s)%18s %12.1f %9.1fx\n", workers, "", rate, rate / model_rate);
  }
  printf("%-44s %12.1f %9.1fx\n", "small conv-net training step (2 workers)", model_rate, 1.0);
  return 0;
}
