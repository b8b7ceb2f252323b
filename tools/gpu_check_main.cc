// A short, prepared check of the CUDA paths, for the day a GPU machine is at
// hand (tools/gpu_check.sh builds and runs it there). One line per check:
//
//   check <name>: PASS|FAIL|SKIP <what was seen>
//
// | check           | what                                                      |
// |-----------------|-----------------------------------------------------------|
// | cuda            | LibTorch sees a GPU; its version; NCCL built in or not    |
// | spos_step       | SPOS supernet trainer on cuda: steps, finite loss, every  |
// |                 | weight on the GPU                                         |
// | darts_2nd_order | second-order DARTS search steps on cuda: alphas move      |
// | enas_controller | ENAS shared steps and a controller phase on cuda          |
// | cpu_vs_cuda     | one SPOS supernet forward + backward on CPU and on CUDA   |
// |                 | (same weights, path, batch; TF32 off): logits and grads   |
// | throughput      | SPOS supernet step, batch --batch: CUDA vs CPU, ratio     |
// | fp16            | SPOS trainer with fp16 autocast and loss scaling: finite, |
// |                 | weights stay fp32, the scale                              |
// | channels_last   | the SPOS trainer on cuda in channels-last                 |
// | resume          | a CUDA run cut and resumed from its checkpoint (with the  |
// |                 | CUDA generator's state) ends as the uninterrupted one     |
//
// Without a GPU every check but `cuda` is SKIP and the exit code is 0 with
// --allow_no_cuda (how CI and a CPU machine run it), 1 otherwise; any FAIL
// exits 1.
//
// RUN: tools/gpu_check.sh   (or tools/bazel run //tools:gpu_check -- --allow_no_cuda)

#include <chrono>
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gflags/gflags.h>
#include <torch/torch.h>
#include <torch/version.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "algorithms/darts/config.h"
#include "algorithms/darts/darts_space.h"
#include "algorithms/darts/darts_trainer.h"
#include "algorithms/enas/config.h"
#include "algorithms/enas/enas_trainer.h"
#include "algorithms/spos/config.h"
#include "algorithms/spos/shufflenet_space.h"
#include "algorithms/spos/spos_mutator.h"
#include "algorithms/spos/spos_trainer.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/core/mutator.h"
#include "nas/jobs/supernet_job.h"
#include "nas/train/distributed.h"
#include "tools/bench/memory_source.h"

DEFINE_bool(allow_no_cuda, false, "Exit 0 when no GPU is found (every check SKIP).");
DEFINE_int32(batch, 256, "Batch of the throughput check.");
DEFINE_string(scratch, "/tmp/nas_gpu_check", "Folder for the resume check's checkpoints.");

namespace {

using Clock = std::chrono::steady_clock;
using nas::bench::MemorySource;

int failures = 0;

void Report(const std::string& name, const std::string& status, const std::string& detail) {
  if (status == "FAIL") ++failures;
  printf("check %s: %s %s\n", name.c_str(), status.c_str(), detail.c_str());
  fflush(stdout);
}

// Runs `check`; an exception or error is a FAIL with its message.
void Run(const std::string& name, const std::function<std::string()>& check) {
  try {
    std::string detail = check();
    Report(name, detail.rfind("FAIL", 0) == 0 ? "FAIL" : "PASS",
           detail.rfind("FAIL", 0) == 0 ? detail.substr(5) : detail);
  } catch (const std::exception& e) {
    std::string message = e.what();
    Report(name, "FAIL", message.substr(0, message.find('\n')));
  }
}

nas::TrainerOptions Options(const std::string& device, int64_t steps) {
  nas::TrainerOptions t;
  t.device = device;
  t.max_steps = steps;
  t.log_every = 1 << 30;
  t.progress = false;
  return t;
}

nas::BuiltSpace SposSpace() {
  return *nas::BuildSpace(nas::spos::kShuffleNetSpaceName,
                          nas::spos::ShuffleNetSpaceOptionsToJson(
                              *nas::spos::ShuffleNetPreset("fashion_mnist")),
                          0);
}

std::string OnDevice(const torch::nn::Module& model, const at::Device& device) {
  for (const auto& p : model.named_parameters()) {
    if (p.value().device() != device) return absl::StrCat("FAIL ", p.key(), " is on ", p.value().device().str());
  }
  return "";
}

struct Fitted {
  absl::Status status;
  double last_loss = NAN;
  double ms = 0;
};

// Fits `trainer`, recording the last step's loss and the mean step time.
Fitted Fit(nas::Trainer& trainer) {
  struct Recorder : nas::Callback {
    void on_batch_begin(nas::Trainer&, const nas::Batch&) override { start = Clock::now(); }
    void on_batch_end(nas::Trainer&, const nas::Batch&, const nas::Metrics& m) override {
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      if (m.count("loss")) loss = m.at("loss");
    }
    Clock::time_point start;
    std::vector<double> ms;
    double loss = NAN;
  };
  auto recorder = std::make_shared<Recorder>();
  trainer.add_callback(recorder);
  Fitted f;
  f.status = trainer.fit();
  f.last_loss = recorder->loss;
  // The first step pays for allocations and kernel selection.
  double sum = 0;
  for (size_t i = 1; i < recorder->ms.size(); ++i) sum += recorder->ms[i];
  f.ms = recorder->ms.size() > 1 ? sum / (recorder->ms.size() - 1) : 0;
  return f;
}

std::string SposStep(const std::string& device, const std::string& precision,
                     const std::string& memory_format) {
  nas::spos::SposConfig config = *nas::spos::SposPreset("fashion_mnist");
  MemorySource source(6, 64, 0);
  nas::TrainerOptions t = Options(device, 6);
  t.precision = precision;
  t.memory_format = memory_format;
  nas::BuiltSpace space = SposSpace();
  nas::spos::SposTrainer trainer(t, config.supernet.spos, space, &source, nullptr);
  Fitted f = Fit(trainer);
  if (!f.status.ok()) return absl::StrCat("FAIL ", f.status.message());
  if (!std::isfinite(f.last_loss)) return absl::StrCat("FAIL loss ", f.last_loss);
  std::string placed = OnDevice(*space.model, at::Device(at::kCUDA, 0));
  if (!placed.empty()) return placed;
  for (const auto& p : space.model->parameters()) {
    if (p.scalar_type() != at::kFloat) return "FAIL a weight is not fp32";
  }
  return absl::StrFormat("6 steps, loss %.3f, %.1f ms/step", f.last_loss, f.ms);
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("A short check of the CUDA paths (tools/gpu_check.sh).", &argc, &argv);
  const bool cuda = torch::cuda::is_available();
  Report("cuda", cuda ? "PASS" : "SKIP",
         absl::StrCat(cuda ? absl::StrCat(torch::cuda::device_count(), " GPU(s)") : "no GPU",
                      "; LibTorch ", TORCH_VERSION, ", NCCL ",
                      nas::NcclAvailable() ? "built in" : "not built in"));
  const std::vector<std::string> checks = {"spos_step",   "darts_2nd_order", "enas_controller",
                                           "cpu_vs_cuda", "throughput",      "fp16",
                                           "channels_last", "resume"};
  if (!cuda) {
    for (const std::string& name : checks) Report(name, "SKIP", "no GPU");
    return FLAGS_allow_no_cuda ? 0 : 1;
  }
  // Exact fp32 for the comparisons.
  at::globalContext().setAllowTF32CuBLAS(false);
  at::globalContext().setAllowTF32CuDNN(false);

  Run("spos_step", [] { return SposStep("cuda", "fp32", "contiguous"); });

  Run("darts_2nd_order", [] {
    nas::darts::DartsConfig config = *nas::darts::DartsPreset("fashion_mnist");
    config.search.darts.unrolled = true;
    torch::manual_seed(0);
    nas::darts::DartsNetwork network(config.search.network);
    MemorySource source(3, 32, 0), arch(3, 32, 1);
    nas::darts::DartsTrainer trainer(Options("cuda", 3), config.search.darts, network, &source,
                                     &arch, nullptr);
    std::map<std::string, at::Tensor> before;
    for (const auto& [key, alpha] : trainer.mutator().alphas()) before[key] = alpha.detach().cpu().clone();
    Fitted f = Fit(trainer);
    if (!f.status.ok()) return absl::StrCat("FAIL ", f.status.message());
    double moved = 0;
    for (const auto& [key, alpha] : trainer.mutator().alphas()) {
      if (!alpha.is_cuda()) return absl::StrCat("FAIL alpha ", key, " is not on the GPU");
      moved = std::max(moved, (alpha.detach().cpu() - before[key]).abs().max().item<double>());
    }
    if (!(moved > 0) || !std::isfinite(f.last_loss))
      return absl::StrCat("FAIL alphas moved ", moved, ", loss ", f.last_loss);
    return absl::StrFormat("3 unrolled steps, loss %.3f, alphas moved up to %.2g, %.0f ms/step",
                           f.last_loss, moved, f.ms);
  });

  Run("enas_controller", [] {
    nas::enas::EnasConfig config = *nas::enas::EnasPreset("fashion_mnist");
    config.search.enas.controller_steps = 2;
    config.search.enas.aggregate = 2;
    nas::BuiltSpace space = *nas::BuildSpace(config.space, config.space_options, 0);
    MemorySource train(3, 64, 0), valid(4, 64, 1);
    nas::TrainerOptions t = Options("cuda", 0);
    t.epochs = 1;
    nas::enas::EnasTrainer trainer(t, config.search.enas, space, &train, &valid, nullptr);
    Fitted f = Fit(trainer);
    if (!f.status.ok()) return absl::StrCat("FAIL ", f.status.message());
    const nas::Metrics& v = trainer.last_validation();
    if (!v.count("reward") || !std::isfinite(v.at("reward")) || !trainer.baseline().has_value())
      return std::string("FAIL no controller reward");
    return absl::StrFormat("3 shared steps (loss %.3f) + 2 controller steps, reward %.3f",
                           f.last_loss, v.at("reward"));
  });

  Run("cpu_vs_cuda", [] {
    nas::BuiltSpace cpu = SposSpace(), gpu = SposSpace();  // same seed: same weights
    gpu.model->to(at::kCUDA);
    nas::spos::SposMutator cpu_mutator(cpu.model, nas::spos::SposSamplingOptions(), 4);
    nas::spos::SposMutator gpu_mutator(gpu.model, nas::spos::SposSamplingOptions(), 4);
    cpu_mutator.reset();
    gpu_mutator.set_decisions(cpu_mutator.decisions());
    torch::manual_seed(1);
    at::Tensor x = torch::randn({32, 1, 28, 28});
    at::Tensor y = torch::randint(10, {32});
    cpu.model->eval();  // no dropout: the same function on both devices
    gpu.model->eval();
    at::Tensor a = cpu.forward(x), b = gpu.forward(x.cuda());
    torch::nn::functional::cross_entropy(a, y).backward();
    torch::nn::functional::cross_entropy(b, y.cuda()).backward();
    const double logits = (a - b.cpu()).abs().max().item<double>();
    double grads = 0;
    auto gp = gpu.model->named_parameters();
    for (const auto& p : cpu.model->named_parameters()) {
      if (!p.value().grad().defined()) continue;
      const double scale = std::max(1e-3, p.value().grad().abs().max().item<double>());
      grads = std::max(grads, (p.value().grad() - gp[p.key()].grad().cpu()).abs().max().item<double>() / scale);
    }
    std::string detail = absl::StrFormat("max |logits| diff %.2g, max relative grad diff %.2g", logits, grads);
    return logits < 1e-4 && grads < 1e-3 ? detail : "FAIL " + detail;
  });

  Run("throughput", [] {
    nas::spos::SposConfig config = *nas::spos::SposPreset("fashion_mnist");
    double ms[2];
    for (int i = 0; i < 2; ++i) {
      const std::string device = i == 0 ? "cpu" : "cuda";
      MemorySource source(6, FLAGS_batch, 0);
      nas::BuiltSpace space = SposSpace();
      nas::spos::SposTrainer trainer(Options(device, 6), config.supernet.spos, space, &source, nullptr);
      Fitted f = Fit(trainer);
      if (!f.status.ok()) return absl::StrCat("FAIL ", device, ": ", f.status.message());
      ms[i] = f.ms;
    }
    return absl::StrFormat("SPOS supernet step, batch %d: CPU %.1f ms (%d threads), CUDA %.1f ms: %.1fx",
                           FLAGS_batch, ms[0], at::get_num_threads(), ms[1], ms[0] / ms[1]);
  });

  Run("fp16", [] {
    nas::spos::SposConfig config = *nas::spos::SposPreset("fashion_mnist");
    MemorySource source(20, 64, 0);
    nas::TrainerOptions t = Options("cuda", 20);
    t.precision = "fp16";
    nas::BuiltSpace space = SposSpace();
    nas::spos::SposTrainer trainer(t, config.supernet.spos, space, &source, nullptr);
    Fitted f = Fit(trainer);
    if (!f.status.ok()) return absl::StrCat("FAIL ", f.status.message());
    for (const auto& p : space.model->parameters()) {
      if (p.scalar_type() != at::kFloat) return std::string("FAIL a weight is not fp32");
    }
    if (!std::isfinite(f.last_loss)) return absl::StrCat("FAIL loss ", f.last_loss);
    return absl::StrFormat("20 steps, loss %.3f, %.1f ms/step", f.last_loss, f.ms);
  });

  Run("channels_last", [] { return SposStep("cuda", "fp32", "channels_last"); });

  Run("resume", [] {
    nas::spos::SposConfig config = *nas::spos::SposPreset("fashion_mnist");
    at::globalContext().setDeterministicCuDNN(true);
    at::globalContext().setBenchmarkCuDNN(false);
    auto run = [&](const std::string& dir, int64_t stop_at, bool resume) {
      struct Interrupt : nas::Callback {
        explicit Interrupt(int64_t at) : at(at) {}
        void on_batch_begin(nas::Trainer& trainer, const nas::Batch&) override {
          if (trainer.global_step() == at) throw std::runtime_error("interrupted");
        }
        int64_t at;
      };
      MemorySource source(4, 64, 0);
      nas::TrainerOptions t = Options("cuda", 0);
      t.output_dir = dir;
      t.checkpoint_every = 1;
      t.resume = resume;
      nas::BuiltSpace space = SposSpace();
      nas::spos::SposTrainer trainer(t, config.supernet.spos, space, &source, nullptr);
      if (stop_at > 0) trainer.add_callback(std::make_shared<Interrupt>(stop_at));
      absl::Status status = trainer.fit();
      return std::make_pair(status, space);
    };
    const std::string whole = nas::JoinPath(FLAGS_scratch, "whole");
    const std::string cut = nas::JoinPath(FLAGS_scratch, "cut");
    std::filesystem::remove_all(FLAGS_scratch);
    auto [a_status, a] = run(whole, 0, false);
    if (!a_status.ok()) return absl::StrCat("FAIL ", a_status.message());
    run(cut, 2, false);
    auto [b_status, b] = run(cut, 0, true);
    if (!b_status.ok()) return absl::StrCat("FAIL resume: ", b_status.message());
    double diff = 0;
    auto bp = b.model->named_parameters();
    for (const auto& p : a.model->named_parameters()) {
      diff = std::max(diff, (p.value() - bp[p.key()]).abs().max().item<double>());
    }
    std::string detail = absl::StrFormat("4 steps vs 2 + resume + 2: max weight diff %.2g", diff);
    return diff <= 1e-6 ? detail : "FAIL " + detail;
  });
  return failures == 0 ? 0 : 1;
}
