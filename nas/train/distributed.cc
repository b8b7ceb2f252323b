#include "nas/train/distributed.h"

#include <cstdlib>
#include <map>
#include <optional>

#include <ATen/ATen.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "nas/base/status.h"

namespace nas {
namespace {

// The first of `names` that is set, parsed as a non-negative int.
absl::StatusOr<std::optional<int>> IntFromEnv(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') continue;
    int v;
    if (!absl::SimpleAtoi(value, &v) || v < 0) {
      return absl::InvalidArgumentError(absl::StrCat("environment variable ", name, "='", value,
                                                     "' is not a non-negative integer"));
    }
    return std::optional<int>(v);
  }
  return std::optional<int>();
}

}  // namespace

absl::StatusOr<DistributedEnv> DistributedEnvFromEnvironment() {
  DistributedEnv env;
  NAS_ASSIGN_OR_RETURN(auto rank, IntFromEnv({"RANK", "SLURM_PROCID", "OMPI_COMM_WORLD_RANK"}));
  NAS_ASSIGN_OR_RETURN(auto world,
                       IntFromEnv({"WORLD_SIZE", "SLURM_NTASKS", "OMPI_COMM_WORLD_SIZE"}));
  NAS_ASSIGN_OR_RETURN(auto local,
                       IntFromEnv({"LOCAL_RANK", "SLURM_LOCALID", "OMPI_COMM_WORLD_LOCAL_RANK"}));
  NAS_ASSIGN_OR_RETURN(auto port, IntFromEnv({"MASTER_PORT"}));
  env.rank = rank.value_or(0);
  env.world_size = world.value_or(1);
  env.local_rank = local.value_or(env.rank);
  if (port) env.master_port = *port;
  if (const char* addr = std::getenv("MASTER_ADDR"); addr != nullptr && *addr != '\0') {
    env.master_addr = addr;
  }
  if (env.world_size < 1 || env.rank >= env.world_size) {
    return absl::InvalidArgumentError(absl::StrCat("rank ", env.rank, " is not below world size ",
                                                   env.world_size, " (RANK / WORLD_SIZE)"));
  }
  if (env.master_port < 1 || env.master_port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("MASTER_PORT ", env.master_port, " is not a port"));
  }
  return env;
}

struct Distributed::Group {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
};

Distributed::Distributed(DistributedEnv env) : env_(std::move(env)) {}
Distributed::~Distributed() = default;

absl::StatusOr<std::unique_ptr<Distributed>> Distributed::Create(
    const DistributedEnv& env, std::chrono::milliseconds timeout) {
  std::unique_ptr<Distributed> d(new Distributed(env));
  if (env.world_size == 1) return d;
  absl::Status status = CatchExceptions([&] {
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<uint16_t>(env.master_port);
    store_options.isServer = env.rank == 0;
    store_options.numWorkers = env.world_size;
    store_options.waitWorkers = true;
    store_options.timeout = timeout;
    d->group_ = std::make_unique<Group>();
    d->group_->store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, store_options);
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    const bool local = env.master_addr == "127.0.0.1" || env.master_addr == "localhost";
    options->devices.push_back(local ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                     : c10d::ProcessGroupGloo::createDefaultDevice());
    d->group_->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(d->group_->store, env.rank,
                                                                env.world_size, options);
    return absl::OkStatus();
  });
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "rank ", env.rank, " of ", env.world_size, ": cannot join the process group at ",
        env.master_addr, ":", env.master_port, ": ", status.message()));
  }
  return d;
}

void Distributed::all_reduce_mean(const std::vector<at::Tensor>& tensors) {
  if (group_ == nullptr || tensors.empty()) return;
  // One flat buffer per dtype: one collective instead of one per tensor.
  std::map<at::ScalarType, std::vector<at::Tensor>> by_type;
  for (const auto& t : tensors) by_type[t.scalar_type()].push_back(t);
  for (auto& [type, group] : by_type) {
    std::vector<at::Tensor> flat_views;
    for (const auto& t : group) flat_views.push_back(t.reshape({-1}));
    std::vector<at::Tensor> buffer = {at::cat(flat_views)};
    group_->pg->allreduce(buffer)->wait();
    buffer[0].div_(env_.world_size);
    int64_t offset = 0;
    for (auto& t : group) {
      t.copy_(buffer[0].narrow(0, offset, t.numel()).view(t.sizes()));
      offset += t.numel();
    }
  }
}

double Distributed::all_reduce_mean(double value) {
  if (group_ == nullptr) return value;
  at::Tensor t = at::full({1}, value, at::kDouble);
  all_reduce_mean({t});
  return t.item<double>();
}

void Distributed::broadcast(const std::vector<at::Tensor>& tensors, int root) {
  if (group_ == nullptr) return;
  for (const auto& t : tensors) {
    std::vector<at::Tensor> one = {t};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    group_->pg->broadcast(one, options)->wait();
  }
}

void Distributed::barrier() {
  if (group_ == nullptr) return;
  group_->pg->barrier()->wait();
}

}  // namespace nas
