// SPOS costs, in one run (fashion_mnist preset geometry):
//   * a supernet training step on a sampled path vs the same architecture
//     as a plain fixed model (forward, backward, SGD; ratio, goal <= 1.05);
//   * candidate evaluations per minute (BN recalibration + held-out top-1,
//     the evolution's inner loop) with 1 process and with 2 processes
//     sharing the candidates (rank_pool.h), one configuration per child
//     process.
//
// RUN: tools/bazel run //algorithms/spos:bench

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include <gflags/gflags.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>

#include "algorithms/spos/config.h"
#include "algorithms/spos/rank_pool.h"
#include "algorithms/spos/shufflenet_space.h"
#include "algorithms/spos/spos_mutator.h"
#include "nas/base/init.h"
#include "nas/base/torch/runtime.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/parameters.h"
#include "nas/core/uniform_sampling.h"
#include "nas/jobs/data.h"
#include "nas/jobs/supernet_job.h"
#include "nas/train/distributed.h"
#include "nas/train/supernet_evaluator.h"
#include "tools/bench/spawn.h"

DEFINE_string(mode, "", "Internal: evaluate (one process of the evaluation benchmark).");
DEFINE_int32(steps, 20, "Timed training steps per round.");
DEFINE_int32(rounds, 5, "Alternating supernet/fixed rounds (the median is reported).");
DEFINE_int32(batch, 64, "Training batch size.");
DEFINE_int32(candidates, 12, "Candidates evaluated per configuration.");

namespace {

using Clock = std::chrono::steady_clock;
using nas::spos::ShuffleNetSupernetImpl;

double StepMs(ShuffleNetSupernetImpl& net, torch::optim::SGD& sgd,
              const std::vector<at::Tensor>& data, const at::Tensor& target) {
  auto start = Clock::now();
  for (const at::Tensor& x : data) {
    sgd.zero_grad();
    torch::nn::functional::cross_entropy(net.forward(x), target).backward();
    sgd.step();
  }
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count() / data.size();
}

void StepRatio() {
  auto options = *nas::spos::ShuffleNetPreset("fashion_mnist");
  torch::manual_seed(0);
  auto supernet = std::make_shared<ShuffleNetSupernetImpl>(options);
  nas::spos::SposMutator mutator(supernet, nas::spos::SposSamplingOptions(), 1);
  mutator.reset();
  nas::Architecture arch =
      nas::Architecture::from_decisions(mutator.decisions(), mutator.search_space());
  auto fixed = std::make_shared<ShuffleNetSupernetImpl>(options);
  nas::apply_fixed_architecture(fixed, arch);
  torch::optim::SGD sgd_super(supernet->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
  torch::optim::SGD sgd_fixed(fixed->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
  std::vector<at::Tensor> data;
  for (int i = 0; i < FLAGS_steps; ++i) data.push_back(torch::randn({FLAGS_batch, 1, 28, 28}));
  at::Tensor target = torch::randint(10, {FLAGS_batch});
  StepMs(*supernet, sgd_super, data, target);  // warm-up
  StepMs(*fixed, sgd_fixed, data, target);
  std::vector<double> super_ms, fixed_ms;
  for (int r = 0; r < FLAGS_rounds; ++r) {
    super_ms.push_back(StepMs(*supernet, sgd_super, data, target));
    fixed_ms.push_back(StepMs(*fixed, sgd_fixed, data, target));
  }
  std::sort(super_ms.begin(), super_ms.end());
  std::sort(fixed_ms.begin(), fixed_ms.end());
  double s = super_ms[super_ms.size() / 2], f = fixed_ms[fixed_ms.size() / 2];
  printf(
      "training step, batch %d: supernet on a sampled path %.1f ms, same architecture fixed %.1f "
      "ms, "
      "ratio %.3f (goal <= 1.05)\n",
      FLAGS_batch, s, f, s / f);
}

// One process of the evaluation benchmark: prints evaluations per minute
// (rank 0).
int Evaluate() {
  auto env = nas::DistributedEnvFromEnvironment();
  if (!env.ok()) return 1;
  auto dist = nas::Distributed::Create(*env);
  if (!dist.ok()) return 1;
  nas::spos::SposConfig config = *nas::spos::SposPreset("fashion_mnist");
  config.data.dataset = "synthetic";
  config.data.synthetic_size = 6000;
  config.data.workers = 0;
  auto built = nas::BuildSpace(nas::spos::kShuffleNetSpaceName,
                               nas::spos::SposSpaceOptions(config, false), 0);
  if (!built.ok()) return 1;
  auto data = nas::LoadImageData(config.data, *built, nas::spos::kShuffleNetSpaceName, 0,
                                 /*with_test=*/false);
  if (!data.ok()) return 1;
  auto supernet = std::dynamic_pointer_cast<ShuffleNetSupernetImpl>(built->model);
  nas::spos::SposMutator mutator(supernet, nas::spos::SposSamplingOptions(), 0);
  auto recalibration = nas::TrainLoader(data->train, config.data, 1);
  auto held_out = nas::EvalLoader(data->valid, config.data);
  nas::SupernetEvaluator evaluator(*built, &mutator, recalibration.get(), held_out.get(),
                                   config.evolution.evaluation);
  nas::SearchSpace space = mutator.search_space();
  nas::spos::RankPool pool((*dist).get(),
                           [&](const nas::Json& p) -> absl::StatusOr<nas::CandidateScore> {
                             return evaluator.evaluate(*nas::ArchitectureFromParameters(p, space));
                           });
  if (!(*dist)->is_main()) return pool.serve().ok() ? 0 : 1;
  std::mt19937_64 rng(0);
  std::vector<nas::Json> candidates;
  for (int i = 0; i < FLAGS_candidates; ++i) {
    nas::Architecture a =
        nas::Architecture::from_decisions(nas::SampleUniformDecisions(space, rng), space);
    candidates.push_back(*nas::ParametersFromArchitecture(a, space));
  }
  auto start = Clock::now();
  std::vector<std::thread> threads;
  std::atomic<size_t> next{0};
  for (int t = 0; t < (*dist)->world_size(); ++t) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < candidates.size(); i = next++)
        pool.evaluate(candidates[i]).IgnoreError();
    });
  }
  for (auto& t : threads) t.join();
  double minutes = std::chrono::duration<double>(Clock::now() - start).count() / 60;
  pool.stop();
  printf("%.2f\n", candidates.size() / minutes);
  return 0;
}

double Spawn(int nproc, int threads) {
  return nas::bench::SpawnSelf(
      nproc, {"--mode=evaluate", "--candidates=" + std::to_string(FLAGS_candidates),
              "--threads=" + std::to_string(threads)});
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("Benchmarks SPOS: supernet step vs fixed model, candidate evaluations per minute.",
                &argc, &argv);
  if (FLAGS_mode == "evaluate") return Evaluate();
  StepRatio();
  int cores = nas::UsableCores();
  double one = Spawn(1, cores);
  double two = Spawn(2, std::max(1, cores / 2));
  const nas::SupernetEvaluationOptions e =
      nas::spos::SposPreset("fashion_mnist")->evolution.evaluation;
  printf(
      "candidate evaluations per minute (%lld recalibration batches + %s held-out batches each, "
      "synthetic data): 1 process %.1f, 2 processes %.1f (x%.2f)\n",
      static_cast<long long>(e.recalibration_batches),
      e.eval_batches == 0 ? "all" : std::to_string(e.eval_batches).c_str(), one, two,
      one > 0 ? two / one : 0.0);
  return 0;
}
