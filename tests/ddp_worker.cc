// A data-parallel training job for tests/ddp_test.sh: a small MLP (with a
// LayerChoice and a RandomMutator when --mutator) trained by the trainer
// base for --steps steps on deterministic data. Each global batch holds
// --batch x WORLD_SIZE examples; rank r trains on its r-th slice, so 2
// processes with batch B must end where 1 process with batch 2B does.
//
//   ddp_worker --batch=8 --steps=6 --out=w.pt            (under tools/launch)
//   ddp_worker --compare=a.pt,b.pt --tolerance=1e-5      (exit 0 when equal)
#include <unistd.h>

#include <cstdlib>

#include <gflags/gflags.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/named_any.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>

#include "absl/strings/str_split.h"
#include "algorithms/random/random_mutator.h"
#include "nas/base/init.h"
#include "nas/base/status.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/layer_choice.h"
#include "nas/train/trainer.h"

DEFINE_int32(batch, 8, "Examples per rank per step.");
DEFINE_int32(steps, 6, "Training steps.");
DEFINE_bool(mutator, false, "Train a supernet with a LayerChoice and a RandomMutator.");
DEFINE_string(out, "", "Write the final weights here (rank 0).");
DEFINE_string(compare, "", "Compare two weight files 'a,b' instead of training.");
DEFINE_double(tolerance, 1e-5, "Largest allowed absolute difference for --compare.");
DEFINE_int32(die_at_step, -1, "Rank 1 exits abruptly before this step (failure test).");
DEFINE_uint64(seed, 0, "Seed.");

namespace {

struct NetImpl : torch::nn::Module {
  explicit NetImpl(bool choice) {
    fc1 = register_module("fc1", torch::nn::Linear(10, 32));
    if (choice) {
      mid = register_module("mid", nas::LayerChoice(std::vector<torch::nn::NamedAnyModule>{
                                       {"a", torch::nn::Linear(32, 32)},
                                       {"b", torch::nn::Linear(32, 32)},
                                       {"c", torch::nn::Linear(32, 32)}}));
    }
    fc2 = register_module("fc2", torch::nn::Linear(32, 3));
  }
  at::Tensor forward(at::Tensor x) {
    x = torch::relu(fc1(x));
    if (mid) x = torch::relu(mid(x));
    return fc2(x);
  }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
  nas::LayerChoice mid{nullptr};
};
TORCH_MODULE(Net);

class ShardedSource : public nas::BatchSource {
 public:
  ShardedSource(int64_t batch, int rank, int world) : batch_(batch), rank_(rank), world_(world) {}
  int64_t batches_per_epoch() const override { return FLAGS_steps; }
  void start_epoch(int64_t epoch, int64_t start) override { next_ = start; }
  std::optional<nas::Batch> next() override {
    if (next_ >= FLAGS_steps) return std::nullopt;
    torch::Generator gen = at::make_generator<at::CPUGeneratorImpl>(1000 + next_);
    at::Tensor x = torch::randn({batch_ * world_, 10}, gen);
    at::Tensor y = torch::randint(3, {batch_ * world_}, gen);
    nas::Batch b;
    b.data = x.narrow(0, rank_ * batch_, batch_);
    b.target = y.narrow(0, rank_ * batch_, batch_);
    b.index = next_++;
    return b;
  }

 private:
  int64_t batch_;
  int rank_, world_;
  int64_t next_ = 0;
};

class Job : public nas::Trainer {
 public:
  Job(Net net, nas::BatchSource* source, nas::Distributed* dist)
      : Trainer(Options(), net.ptr(), source, dist),
        net_(net),
        sgd_(net->parameters(), torch::optim::SGDOptions(0.05).momentum(0.9).weight_decay(1e-3)) {
    add_optimizer("sgd", &sgd_, nullptr);
    if (FLAGS_mutator) {
      mutator_ = std::make_unique<nas::random::RandomMutator>(net, FLAGS_seed);
      set_mutator(mutator_.get());
    }
  }
  static nas::TrainerOptions Options() {
    nas::TrainerOptions o;
    o.progress = false;
    o.log_every = 1000;
    return o;
  }

 protected:
  nas::Metrics train_step(const nas::Batch& batch) override {
    if (distributed()->rank() == 1 && batch.index == FLAGS_die_at_step) _exit(3);
    if (mutator_) {
      mutator_->reset();
      sync_decisions(*mutator_);
    }
    at::Tensor loss = torch::nn::functional::cross_entropy(net_->forward(batch.data), batch.target);
    sgd_.zero_grad();
    backward(loss);
    step(sgd_);
    return {{"loss", loss.item<double>()}};
  }

 private:
  Net net_;
  torch::optim::SGD sgd_;
  std::unique_ptr<nas::random::RandomMutator> mutator_;
};

absl::Status Compare() {
  std::vector<std::string> files = absl::StrSplit(FLAGS_compare, ',');
  if (files.size() != 2) return absl::InvalidArgumentError("--compare needs 'a,b'");
  Net a(FLAGS_mutator), b(FLAGS_mutator);
  NAS_RETURN_IF_ERROR(nas::LoadWeights(*a, files[0]));
  NAS_RETURN_IF_ERROR(nas::LoadWeights(*b, files[1]));
  auto pa = a->named_parameters(), pb = b->named_parameters();
  double worst = 0;
  for (const auto& item : pa) {
    worst = std::max(worst, (item.value() - pb[item.key()]).abs().max().item<double>());
  }
  printf("largest difference %.3g\n", worst);
  if (worst > FLAGS_tolerance) {
    return absl::FailedPreconditionError(absl::StrCat("weights differ by ", worst));
  }
  return absl::OkStatus();
}

absl::Status Run() {
  if (!FLAGS_compare.empty()) return Compare();
  NAS_ASSIGN_OR_RETURN(nas::DistributedEnv env, nas::DistributedEnvFromEnvironment());
  NAS_ASSIGN_OR_RETURN(auto dist, nas::Distributed::Create(env, std::chrono::seconds(20)));
  torch::manual_seed(FLAGS_seed + dist->rank());  // ranks start apart; the trainer syncs them
  Net net(FLAGS_mutator);
  ShardedSource source(FLAGS_batch, dist->rank(), dist->world_size());
  Job job(net, &source, dist.get());
  NAS_RETURN_IF_ERROR(job.fit());
  if (dist->is_main() && !FLAGS_out.empty()) NAS_RETURN_IF_ERROR(nas::SaveWeights(*net, FLAGS_out));
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("Data-parallel test job.", &argc, &argv);
  return nas::ExitWith(Run());
}
