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
#include "nas/base/torch/compat.h"
#include "nas/train/slurm_hostlist.h"

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
  if (const char* backend = std::getenv("NAS_DIST_BACKEND"); backend != nullptr && *backend) {
    env.backend = backend;
  }
  if (const char* addr = std::getenv("MASTER_ADDR"); addr != nullptr && *addr != '\0') {
    env.master_addr = addr;
  } else {
    // srun over several nodes: rank 0 runs on the step's first node.
    NAS_ASSIGN_OR_RETURN(auto nodes, IntFromEnv({"SLURM_STEP_NUM_NODES", "SLURM_NNODES"}));
    const char* list = std::getenv("SLURM_STEP_NODELIST");
    if (list == nullptr || *list == '\0') list = std::getenv("SLURM_JOB_NODELIST");
    if (nodes.value_or(1) > 1 && list != nullptr && *list != '\0') {
      absl::StatusOr<std::string> first = FirstSlurmHost(list);
      if (!first.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(first.status().message(),
                                                       "; set MASTER_ADDR to rank 0's host"));
      }
      env.master_addr = *first;
    }
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

Registry<CollectiveGroupFactory>& CollectiveBackendRegistry() {
  static auto* registry = new Registry<CollectiveGroupFactory>("collective backend");
  return *registry;
}

bool NcclAvailable() { return CollectiveBackendRegistry().Contains("nccl"); }

absl::StatusOr<std::string> ChooseCollectiveBackend(const std::string& requested,
                                                    const at::Device& device,
                                                    bool nccl_available) {
  if (requested == "auto") return device.is_cuda() && nccl_available ? "nccl" : "gloo";
  if (requested == "gloo") return requested;
  if (requested == "nccl") {
    if (!device.is_cuda()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "NAS_DIST_BACKEND=nccl needs CUDA tensors, but the device is ", device.str(),
          "; use gloo (or auto)"));
    }
    if (!nccl_available) {
      return absl::FailedPreconditionError(
          "NAS_DIST_BACKEND=nccl: this build's LibTorch has no NCCL (it needs a CUDA LibTorch "
          "and nccl.h: third_party/libtorch.bzl); use gloo (or auto)");
    }
    return requested;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("NAS_DIST_BACKEND='", requested, "' is not one of auto, gloo, nccl"));
}

absl::StatusOr<std::string> RankDevice(const std::string& device, const DistributedEnv& env) {
  if (device == "cuda") return absl::StrCat("cuda:", env.local_rank);
  std::optional<at::Device> parsed;
  absl::Status ok = CatchExceptions([&] {
    parsed = at::Device(device);
    return absl::OkStatus();
  });
  if (!ok.ok() || !(parsed->is_cpu() || parsed->is_cuda())) {
    return absl::InvalidArgumentError(
        absl::StrCat("device '", device, "' is not cpu, cuda or cuda:N"));
  }
  return device;
}

Distributed::Distributed(DistributedEnv env) : env_(std::move(env)) {}
Distributed::~Distributed() = default;

absl::StatusOr<std::unique_ptr<Distributed>> Distributed::Create(
    const DistributedEnv& env, std::chrono::milliseconds timeout, const at::Device& device) {
  std::unique_ptr<Distributed> d(new Distributed(env));
  if (env.world_size == 1) return d;
  NAS_ASSIGN_OR_RETURN(d->backend_, ChooseCollectiveBackend(env.backend, device, NcclAvailable()));
  NAS_ASSIGN_OR_RETURN(CollectiveGroupFactory factory,
                       CollectiveBackendRegistry().Lookup(d->backend_));
  absl::Status status = CatchExceptions([&] {
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<uint16_t>(env.master_port);
    store_options.isServer = env.rank == 0;
    store_options.numWorkers = env.world_size;
    store_options.waitWorkers = true;
    store_options.timeout = timeout;
    UseTcpStoreWithoutLibuv(store_options);
    d->store_ = c10::make_intrusive<c10d::TCPStore>(env.master_addr, store_options);
    CollectiveGroupSpec spec;
    spec.store = d->store_;
    spec.rank = env.rank;
    spec.world_size = env.world_size;
    spec.device = d->backend_ == "nccl" ? device : at::Device(at::kCPU);
    spec.loopback = env.master_addr == "127.0.0.1" || env.master_addr == "localhost";
    spec.timeout = timeout;
    d->group_ = factory(spec);
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
  // One flat buffer per dtype and device: one collective instead of one per
  // tensor, on the backend's device.
  std::map<std::pair<at::ScalarType, std::string>, std::vector<at::Tensor>> by_kind;
  for (const auto& t : tensors) by_kind[{t.scalar_type(), t.device().str()}].push_back(t);
  for (auto& [kind, group] : by_kind) {
    std::vector<at::Tensor> flat_views;
    for (const auto& t : group) flat_views.push_back(t.reshape({-1}));
    at::Tensor buffer = at::cat(flat_views).to(group_->device());
    group_->all_reduce_sum(buffer);
    buffer.div_(env_.world_size);
    int64_t offset = 0;
    for (auto& t : group) {
      t.copy_(buffer.narrow(0, offset, t.numel()).view(t.sizes()));
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
    const bool moved = t.device() != group_->device() || !t.is_contiguous();
    at::Tensor buffer = moved ? t.to(group_->device()).contiguous() : t;
    group_->broadcast(buffer, root);
    if (moved) t.copy_(buffer);
  }
}

void Distributed::barrier() {
  if (group_ == nullptr) return;
  group_->barrier();
}

namespace {

std::unique_ptr<CollectiveGroup> MakeGlooGroup(const CollectiveGroupSpec& spec) {
  auto options = c10d::ProcessGroupGloo::Options::create(spec.timeout);
  options->devices.push_back(spec.loopback
                                 ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                 : c10d::ProcessGroupGloo::createDefaultDevice());
  return std::make_unique<C10dGroup<c10d::ProcessGroupGloo>>(
      c10::make_intrusive<c10d::ProcessGroupGloo>(spec.store, spec.rank, spec.world_size, options),
      at::Device(at::kCPU));
}

}  // namespace

}  // namespace nas

NAS_REGISTER(nas::CollectiveBackendRegistry(), "gloo", &nas::MakeGlooGroup);
