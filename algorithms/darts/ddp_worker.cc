// A DARTS search on a tiny network and synthetic batches, for
// ddp_test.sh: every rank writes its alphas (initial, after --steps) and
// the first step's architecture gradient averaged over ranks, so the test
// can check that ranks agree bit for bit and that 2 ranks x batch B compute
// the gradient of 1 rank x batch 2B. (The alphas themselves are not
// compared across world sizes: Adam's first steps are lr * sign(g), so a
// coordinate whose gradient is near zero flips with any rounding or
// batch-norm difference.)
#include <cstdio>

#include <gflags/gflags.h>
#include <torch/serialize.h>
#include <torch/types.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "algorithms/darts/darts_trainer.h"
#include "nas/base/init.h"
#include "nas/base/status.h"
#include "nas/train/distributed.h"

DEFINE_int32(batch, 8, "Examples per rank per step.");
DEFINE_int32(steps, 4, "Search steps.");
DEFINE_bool(unrolled, false, "Second order.");
DEFINE_string(out, "", "Write alphas to <out>.rank<r>.pt (initial and final).");
DEFINE_string(compare, "", "Compare alpha files 'a,b' instead of searching.");
DEFINE_bool(bitwise, false, "--compare: final alphas must be identical.");
DEFINE_double(tolerance, 0.3, "--compare: largest relative difference of the first gradients.");

namespace {

// Batch i of the global batch sequence, rank r's slice: the same examples
// whatever the number of ranks.
class ShardedSource : public nas::BatchSource {
 public:
  ShardedSource(uint64_t seed, int rank, int world) : seed_(seed), rank_(rank), world_(world) {}
  int64_t batches_per_epoch() const override { return FLAGS_steps; }
  void start_epoch(int64_t epoch, int64_t start) override { next_ = start; }
  std::optional<nas::Batch> next() override {
    if (next_ >= FLAGS_steps) return std::nullopt;
    torch::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed_ + next_);
    const int64_t global = int64_t{FLAGS_batch} * world_;
    at::Tensor x = torch::randn({global, 1, 12, 12}, gen);
    at::Tensor y = torch::randint(3, {global}, gen);
    nas::Batch b;
    b.data = x.narrow(0, rank_ * FLAGS_batch, FLAGS_batch);
    b.target = y.narrow(0, rank_ * FLAGS_batch, FLAGS_batch);
    b.index = next_++;
    return b;
  }

 private:
  uint64_t seed_;
  int rank_, world_;
  int64_t next_ = 0;
};

std::vector<at::Tensor> Load(const std::string& path) {
  std::vector<at::Tensor> t;
  torch::load(t, path);
  return t;
}

absl::Status Compare() {
  std::vector<std::string> files = absl::StrSplit(FLAGS_compare, ',');
  if (files.size() != 2) return absl::InvalidArgumentError("--compare needs 'a,b'");
  std::vector<at::Tensor> a = Load(files[0]), b = Load(files[1]);
  const size_t n = a.size() / 3;  // initial alphas, final alphas, first gradient
  double diff = 0, norm = 0, worst = 0;
  for (size_t i = 0; i < n; ++i) {
    worst = std::max(worst, (a[n + i] - b[n + i]).abs().max().item<double>());
    diff += (a[2 * n + i] - b[2 * n + i]).pow(2).sum().item<double>();
    norm += a[2 * n + i].pow(2).sum().item<double>();
  }
  const double relative = std::sqrt(diff / norm);
  printf(
      "final alphas: largest difference %.3g; first architecture gradient: relative difference "
      "%.3g\n",
      worst, relative);
  if (FLAGS_bitwise && worst != 0)
    return absl::FailedPreconditionError("alphas differ between ranks");
  if (!FLAGS_bitwise && relative > FLAGS_tolerance) {
    return absl::FailedPreconditionError(
        absl::StrCat("architecture gradients differ by ", relative));
  }
  return absl::OkStatus();
}

absl::Status Run() {
  if (!FLAGS_compare.empty()) return Compare();
  NAS_ASSIGN_OR_RETURN(nas::DistributedEnv env, nas::DistributedEnvFromEnvironment());
  NAS_ASSIGN_OR_RETURN(auto dist, nas::Distributed::Create(env, std::chrono::seconds(30)));
  torch::manual_seed(0);
  nas::darts::DartsNetworkOptions o = *nas::darts::DartsNetworkPreset("search_fashion_mnist");
  o.image_size = 12;
  o.channels = 4;
  o.layers = 2;
  o.nodes = 2;
  o.classes = 3;
  nas::darts::DartsNetwork net(o);
  ShardedSource train(100, dist->rank(), dist->world_size()),
      arch(200, dist->rank(), dist->world_size());
  nas::TrainerOptions t;
  t.progress = false;
  t.log_every = 1000;
  nas::darts::DartsTrainerOptions d;
  d.unrolled = FLAGS_unrolled;
  d.alpha_lr = 0.01;
  nas::darts::DartsTrainer trainer(t, d, net, &train, &arch, nullptr, dist.get());
  std::vector<at::Tensor> alphas;
  for (const at::Tensor& a : trainer.mutator().parameters()) alphas.push_back(a.detach().clone());
  // The first step's architecture gradient, averaged as Trainer::step does.
  train.start_epoch(0, 0);
  arch.start_epoch(0, 0);
  std::vector<at::Tensor> gradient = trainer.architecture_gradient(*train.next(), *arch.next());
  dist->all_reduce_mean(gradient);
  NAS_RETURN_IF_ERROR(trainer.fit());
  for (const at::Tensor& a : trainer.mutator().parameters()) alphas.push_back(a.detach().clone());
  for (const at::Tensor& g : gradient) alphas.push_back(g);
  if (!FLAGS_out.empty())
    torch::save(alphas, absl::StrCat(FLAGS_out, ".rank", dist->rank(), ".pt"));
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("DARTS data-parallel check worker.", &argc, &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
