// The training steps users spend their budget on, measured in one run
// against this machine's limits and against PyTorch from Python:
//
//   spos_supernet  SPOS supernet step (fashion_mnist preset, a sampled path)
//   darts_search   first-order DARTS search step (search_fashion_mnist:
//                  architecture step + weight step); with --pc_darts also
//                  partial-channel mixing (PC-DARTS, K = --pc_k)
//   enas_shared    ENAS controller sample + shared-weights step (macro
//                  space, fashion_mnist preset)
//   retrain        retraining step of a SPOS child (affine BN; the child
//                  012301, every candidate kind once or twice)
//
// Each step runs through its trainer's own fit() on pre-made batches
// (synthetic 1 x 28 x 28 images, batch --batch), timed per step by a
// callback; every configuration (memory format x precision) gets a fresh
// trainer with the same seed (so the same sampled paths), --warmup untimed
// steps, then --rounds rounds of --steps steps: the median round's mean per
// step is reported. For each step the table shows milliseconds, images per
// second, achieved GFLOP/s (6 x the forward MACs counted in the same steps
// by nas::MacCounter: forward + a backward of about twice its work, 2 FLOPs
// per MAC) and its share of this machine's fp32 matrix-multiply rate
// (2048 x 2048 at::mm on the same threads, measured first), and the same
// step in PyTorch from Python (tools/bench/python/*_step.py with Debian's
// python3-torch on the same LibTorch, "not run" with the reason otherwise),
// once as NNI-style code writes it (fp32, contiguous) and once in the
// configuration of our default.
//
// RUN: tools/bazel run //tools/bench:throughput -- [--workloads=spos_supernet,retrain] [--python=false]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <dlfcn.h>

#include <gflags/gflags.h>
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "algorithms/darts/config.h"
#include "algorithms/darts/darts_space.h"
#include "algorithms/darts/darts_trainer.h"
#include "algorithms/enas/config.h"
#include "algorithms/enas/enas_trainer.h"
#include "algorithms/spos/config.h"
#include "algorithms/spos/shufflenet_space.h"
#include "algorithms/spos/spos_trainer.h"
#include "nas/analysis/flops.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/logging.h"
#include "nas/core/architecture.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutator.h"
#include "nas/jobs/supernet_job.h"
#include "nas/train/classifier_trainer.h"
#include "tools/bench/memory_source.h"
#include "tools/bench/python_reference.h"

DEFINE_string(workloads, "spos_supernet,darts_search,enas_shared,retrain",
              "Comma-separated steps to measure.");
DEFINE_int32(batch, 64, "Images per step.");
DEFINE_int32(warmup, 3, "Untimed steps per configuration.");
DEFINE_int32(steps, 8, "Timed steps per round (DARTS: half of it, at least 2).");
DEFINE_int32(rounds, 3, "Rounds per configuration (the median round is reported).");
DEFINE_bool(python, true, "Also time the Python references.");
DEFINE_bool(pc_darts, true, "Also time DARTS with partial-channel mixing.");
DEFINE_int32(pc_k, 4, "PC-DARTS's K: 1 / K of the channels go through the mixed operation.");
DEFINE_uint64(seed, 0, "Seed of the models, the batches and the samplers.");
DEFINE_string(profile, "",
              "A folder: also write LibTorch's profile (Chrome trace JSON) of a few steps of "
              "each workload and configuration there, <workload>.<configuration>.json.");

namespace {

using Clock = std::chrono::steady_clock;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

using nas::bench::MemorySource;

// Milliseconds of every step (on_batch_begin to on_batch_end), and, when
// asked, the forward MACs each step ran (the counter's callbacks cost time,
// so never both in one run).
struct StepRecord {
  std::vector<double> ms;
  std::vector<int64_t> macs;
  std::vector<nas::Decisions> decisions;
};

class StepRecorder : public nas::Callback {
 public:
  explicit StepRecorder(bool count_macs) : count_macs_(count_macs) {}
  void on_batch_begin(nas::Trainer&, const nas::Batch&) override {
    if (count_macs_) counter_ = std::make_unique<nas::MacCounter>();
    start_ = Clock::now();
  }
  void on_batch_end(nas::Trainer& trainer, const nas::Batch&, const nas::Metrics&) override {
    record.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start_).count());
    if (counter_ != nullptr) record.macs.push_back(counter_->macs());
    counter_.reset();
    if (trainer.mutator() != nullptr) record.decisions.push_back(trainer.mutator()->decisions());
  }
  StepRecord record;

 private:
  bool count_macs_;
  std::unique_ptr<nas::MacCounter> counter_;
  Clock::time_point start_;
};

struct Config {
  std::string precision = "fp32";
  std::string memory_format = "contiguous";
  int pc_k = 1;  // DARTS only
  std::string name() const {
    std::string n = absl::StrCat(precision, " ", memory_format);
    if (pc_k > 1) absl::StrAppend(&n, " pc-k", pc_k);
    return n;
  }
};

// One step kind: makes a trainer for a configuration (fresh model, same
// seed), and names the Python reference's arguments.
struct Workload {
  std::string name;
  std::string what;
  int steps = 8;  // timed steps per round
  // (configuration, training batches, a second source for the architecture
  // or controller steps) -> the trainer
  std::function<std::unique_ptr<nas::Trainer>(const Config&, nas::BatchSource*, nas::BatchSource*)>
      make;
  std::string python_script;  // "" = none
  std::function<std::vector<std::string>(const StepRecord&)> python_args;
};

nas::TrainerOptions BenchTrainerOptions(const Config& c, int64_t steps) {
  nas::TrainerOptions t;
  t.epochs = 1;
  t.max_steps = steps;
  t.log_every = 1 << 30;
  t.progress = false;
  t.precision = c.precision;
  t.memory_format = c.memory_format;
  return t;
}

nas::BuiltSpace SposSpace(bool affine) {
  nas::spos::ShuffleNetSpaceOptions options = *nas::spos::ShuffleNetPreset("fashion_mnist");
  options.affine = affine;
  return *nas::BuildSpace(nas::spos::kShuffleNetSpaceName,
                          nas::spos::ShuffleNetSpaceOptionsToJson(options), FLAGS_seed);
}

// The paths a SPOS run sampled, as the Python reference's --paths.
std::string PathDigits(const std::vector<nas::Decisions>& decisions) {
  std::vector<std::string> paths;
  for (const nas::Decisions& d : decisions) {
    std::string digits;
    for (int block = 1; block <= static_cast<int>(d.size()); ++block) {
      digits += std::to_string(d.at(absl::StrCat("LayerChoice", block)).to(at::kLong).argmax().item<int64_t>());
    }
    paths.push_back(digits);
  }
  return absl::StrJoin(paths, ",");
}

// The SPOS child of the retraining step: every candidate kind once or twice.
constexpr char kRetrainPath[] = "012301";

std::vector<Workload> Workloads() {
  std::vector<Workload> all;

  Workload spos;
  spos.name = "spos_supernet";
  spos.what = "SPOS supernet step, fashion_mnist preset, a sampled path";
  spos.make = [](const Config& c, nas::BatchSource* source,
                  nas::BatchSource*) -> std::unique_ptr<nas::Trainer> {
    nas::spos::SposConfig config = *nas::spos::SposPreset("fashion_mnist");
    config.supernet.spos.seed = FLAGS_seed;
    return std::make_unique<nas::spos::SposTrainer>(
        BenchTrainerOptions(c, source->batches_per_epoch()), config.supernet.spos, SposSpace(false),
        source, nullptr);
  };
  spos.python_script = "tools/bench/python/spos_step.py";
  spos.python_args = [](const StepRecord& r) {
    return std::vector<std::string>{"--mode=supernet", "--paths=" + PathDigits(r.decisions)};
  };
  all.push_back(spos);

  Workload darts;
  darts.name = "darts_search";
  darts.what = "first-order DARTS search step (architecture + weights), search_fashion_mnist";
  darts.steps = std::max(2, FLAGS_steps / 2);
  darts.make = [](const Config& c, nas::BatchSource* source,
                  nas::BatchSource* valid) -> std::unique_ptr<nas::Trainer> {
    nas::darts::DartsConfig config = *nas::darts::DartsPreset("fashion_mnist");
    config.search.network.partial_channels = c.pc_k;
    torch::manual_seed(FLAGS_seed);
    nas::darts::DartsNetwork network(config.search.network);
    config.search.darts.seed = FLAGS_seed;
    return std::make_unique<nas::darts::DartsTrainer>(
        BenchTrainerOptions(c, source->batches_per_epoch()), config.search.darts, network, source,
        valid, nullptr);
  };
  darts.python_script = "tools/bench/python/darts_step.py";
  darts.python_args = [](const StepRecord&) { return std::vector<std::string>{}; };
  all.push_back(darts);

  Workload enas;
  enas.name = "enas_shared";
  enas.what = "ENAS controller sample + shared-weights step, macro space, fashion_mnist preset";
  enas.make = [](const Config& c, nas::BatchSource* source,
                  nas::BatchSource* valid) -> std::unique_ptr<nas::Trainer> {
    nas::enas::EnasConfig config = *nas::enas::EnasPreset("fashion_mnist");
    config.search.enas.mutator.seed = FLAGS_seed;
    nas::BuiltSpace space = *nas::BuildSpace(config.space, config.space_options, FLAGS_seed);
    return std::make_unique<nas::enas::EnasTrainer>(
        BenchTrainerOptions(c, source->batches_per_epoch()), config.search.enas, space, source,
        valid, nullptr);
  };
  enas.python_script = "tools/bench/python/enas_step.py";
  enas.python_args = [](const StepRecord&) { return std::vector<std::string>{}; };
  all.push_back(enas);

  Workload retrain;
  retrain.name = "retrain";
  retrain.what = "retraining step of a SPOS child (affine BN), fashion_mnist preset";
  retrain.make = [](const Config& c, nas::BatchSource* source,
                  nas::BatchSource*) -> std::unique_ptr<nas::Trainer> {
    nas::spos::SposConfig config = *nas::spos::SposPreset("fashion_mnist");
    nas::BuiltSpace space = SposSpace(true);
    nas::SearchSpace search_space = nas::spos::ShuffleNetSearchSpace(config.space);
    nas::Decisions decisions;
    for (int block = 0; block < 6; ++block) {
      at::Tensor mask = at::zeros({nas::spos::kNumShuffleNetCandidates}, at::kBool);
      mask[kRetrainPath[block] - '0'] = true;
      decisions[absl::StrCat("LayerChoice", block + 1)] = mask;
    }
    nas::apply_fixed_architecture(space.model,
                                  nas::Architecture::from_decisions(decisions, search_space));
    return std::make_unique<nas::ClassifierTrainer>(BenchTrainerOptions(c, source->batches_per_epoch()),
                                                    config.retrain.optimizer, space, source, nullptr);
  };
  retrain.python_script = "tools/bench/python/spos_step.py";
  retrain.python_args = [](const StepRecord&) {
    return std::vector<std::string>{"--mode=retrain", absl::StrCat("--paths=", kRetrainPath)};
  };
  all.push_back(retrain);
  return all;
}

struct Measured {
  double ms = 0;
  StepRecord record;
};

Measured Measure(const Workload& w, const Config& c, bool count_macs) {
  const int64_t total = FLAGS_warmup + static_cast<int64_t>(FLAGS_rounds) * w.steps;
  MemorySource source(total, FLAGS_batch, FLAGS_seed), valid(total, FLAGS_batch, FLAGS_seed + 1);
  std::unique_ptr<nas::Trainer> trainer = w.make(c, &source, &valid);
  auto recorder = std::make_shared<StepRecorder>(count_macs);
  trainer->add_callback(recorder);
  absl::Status status = trainer->fit();
  if (!status.ok()) {
    fprintf(stderr, "%s (%s): %s\n", w.name.c_str(), c.name().c_str(),
            std::string(status.message()).c_str());
    exit(1);
  }
  Measured m;
  m.record = recorder->record;
  if (static_cast<int64_t>(m.record.ms.size()) < total) {
    fprintf(stderr, "%s (%s): %zu steps ran, %lld expected\n", w.name.c_str(), c.name().c_str(),
            m.record.ms.size(), static_cast<long long>(total));
    exit(1);
  }
  std::vector<double> rounds;
  for (int r = 0; r < FLAGS_rounds; ++r) {
    double sum = 0;
    for (int s = 0; s < w.steps; ++s) sum += m.record.ms[FLAGS_warmup + r * w.steps + s];
    rounds.push_back(sum / w.steps);
  }
  m.ms = Median(rounds);
  return m;
}

// OpenBLAS's threads (the runtime defaults hold it to one, nas/base/torch/
// runtime.h); false when the BLAS is not OpenBLAS.
bool SetBlasThreads(int threads) {
  using SetThreads = void (*)(int);
  auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (set == nullptr) return false;
  set(threads);
  return true;
}

// This machine's fp32 matrix-multiply rate: a 2048 x 2048 product on as many
// BLAS threads as the steps get intra-op threads.
double MatmulGflops() {
  const bool openblas = SetBlasThreads(at::get_num_threads());
  at::Tensor a = at::randn({2048, 2048}), b = at::randn({2048, 2048});
  for (int i = 0; i < 2; ++i) at::mm(a, b);
  std::vector<double> seconds;
  for (int i = 0; i < 5; ++i) {
    auto start = Clock::now();
    at::mm(a, b);
    seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  if (openblas) SetBlasThreads(1);
  return 2.0 * 2048 * 2048 * 2048 / Median(seconds) / 1e9;
}

// A few steps of `w` in `c` under LibTorch's profiler, as a Chrome trace.
void Profile(const Workload& w, const Config& c) {
  std::string name = c.name();
  std::replace(name.begin(), name.end(), ' ', '_');
  const std::string path = nas::JoinPath(FLAGS_profile, absl::StrCat(w.name, ".", name, ".json"));
  MemorySource source(3, FLAGS_batch, FLAGS_seed), valid(3, FLAGS_batch, FLAGS_seed + 1);
  std::unique_ptr<nas::Trainer> trainer = w.make(c, &source, &valid);
  {
    // The first step warms up; it is in the trace too (marked by its size).
    torch::autograd::profiler::RecordProfile profile(path);
    absl::Status status = trainer->fit();
    if (!status.ok()) fprintf(stderr, "profile %s: %s\n", path.c_str(), std::string(status.message()).c_str());
  }
  printf("  profile: %s\n", path.c_str());
}

std::vector<std::string> PythonFlags(const Config& c) {
  std::vector<std::string> flags;
  if (c.memory_format == "channels_last") flags.push_back("--channels_last");
  if (c.precision == "bf16") flags.push_back("--bf16");
  return flags;
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain(
      "Throughput of the SPOS, DARTS, ENAS and retraining steps: ours in each memory format and "
      "precision, GFLOP/s against this machine's matmul rate, and PyTorch from Python.",
      &argc, &argv);
  FLAGS_minloglevel = std::max(FLAGS_minloglevel, 1);  // the trainers' progress lines: not measured
  setvbuf(stdout, nullptr, _IOLBF, 0);
  const nas::TrainerOptions defaults;
  const Config ours_default{defaults.precision, defaults.memory_format};
  const double peak = MatmulGflops();
  printf("machine: %d intra-op threads, fp32 matmul 2048^2: %.1f GFLOP/s; batch %d; default: %s\n",
         at::get_num_threads(), peak, FLAGS_batch, ours_default.name().c_str());

  const std::vector<std::string> wanted = absl::StrSplit(FLAGS_workloads, ',');
  for (const Workload& w : Workloads()) {
    if (std::find(wanted.begin(), wanted.end(), w.name) == wanted.end()) continue;
    std::vector<Config> configs = {{"fp32", "contiguous"},
                                   {"fp32", "channels_last"},
                                   {"bf16", "contiguous"},
                                   {"bf16", "channels_last"}};
    if (w.name == "darts_search" && FLAGS_pc_darts) {
      // Both formats: with a few channels per op, LibTorch's channels-last BN
      // (vectorised across channels) loses what the format gains.
      configs.push_back({"fp32", "contiguous", FLAGS_pc_k});
      configs.push_back({"fp32", "channels_last", FLAGS_pc_k});
    }
    // The forward MACs of the very steps timed (same seed: same paths).
    Measured counted = Measure(w, configs[0], /*count_macs=*/true);
    std::vector<int64_t> macs(counted.record.macs.begin() + FLAGS_warmup,
                              counted.record.macs.end());
    double mean_macs = 0;
    for (int64_t m : macs) mean_macs += static_cast<double>(m) / macs.size();
    printf("\n%s: %s (%.3f MMACs forward per step)\n", w.name.c_str(), w.what.c_str(),
           mean_macs / 1e6);
    printf("  %-28s %10s %10s %9s %8s\n", "configuration", "ms/step", "images/s", "GFLOP/s",
           "of peak");
    std::map<std::string, double> ms;
    StepRecord first_run;
    for (const Config& c : configs) {
      Measured m = Measure(w, c, false);
      if (c.pc_k == 1 && ms.empty()) first_run = m.record;
      ms[c.name()] = m.ms;
      // PC-DARTS runs a quarter of the mixed operations' work: its FLOPs are
      // not the counted ones; report its time only.
      const double gflops = c.pc_k > 1 ? 0 : 6.0 * mean_macs / (m.ms / 1e3) / 1e9;
      if (!FLAGS_profile.empty()) Profile(w, c);
      printf("  %-28s %10.1f %10.0f %9s %8s%s\n", c.name().c_str(), m.ms,
             FLAGS_batch / (m.ms / 1e3),
             gflops > 0 ? absl::StrFormat("%.1f", gflops).c_str() : "-",
             gflops > 0 ? absl::StrFormat("%.1f%%", 100 * gflops / peak).c_str() : "-",
             c.name() == ours_default.name() ? "   <- default" : "");
    }
    const double before = ms[Config{"fp32", "contiguous"}.name()];
    const double now = ms[ours_default.name()];
    printf("  default vs fp32 contiguous: %.2fx faster\n", before / now);
    if (!FLAGS_python || w.python_script.empty()) continue;
    std::vector<Config> python_configs = {{"fp32", "contiguous"}};
    if (ours_default.name() != python_configs[0].name()) python_configs.push_back(ours_default);
    for (const Config& c : python_configs) {
      std::vector<std::string> args = w.python_args(first_run);
      for (const std::string& f : PythonFlags(c)) args.push_back(f);
      for (const std::string& f :
           {absl::StrCat("--batch=", FLAGS_batch), absl::StrCat("--threads=", at::get_num_threads()),
            absl::StrCat("--warmup=", FLAGS_warmup), absl::StrCat("--steps=", w.steps),
            absl::StrCat("--rounds=", FLAGS_rounds), absl::StrCat("--seed=", FLAGS_seed)}) {
        args.push_back(f);
      }
      absl::StatusOr<nas::Json> py = nas::bench::RunPythonReference(w.python_script, args);
      if (!py.ok()) {
        printf("  Python %-21s not run: %s\n", c.name().c_str(),
               std::string(py.status().message()).c_str());
        continue;
      }
      const double py_ms = (*py)["ms"].get<double>();
      printf("  Python %-21s %10.1f %10.0f   ours (default) / Python: %.2f\n", c.name().c_str(),
             py_ms, FLAGS_batch / (py_ms / 1e3), now / py_ms);
    }
  }
  return 0;
}
