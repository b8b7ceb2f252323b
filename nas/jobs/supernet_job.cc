#include "nas/jobs/supernet_job.h"

#include <chrono>
#include <cmath>

#include <ATen/ATen.h>

#include "nas/base/file.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/core/fixed_architecture.h"

namespace nas {

absl::StatusOr<std::unique_ptr<Distributed>> JoinProcessGroup(std::string* device) {
  NAS_ASSIGN_OR_RETURN(DistributedEnv env, DistributedEnvFromEnvironment());
  if (device == nullptr) return Distributed::Create(env);
  NAS_ASSIGN_OR_RETURN(*device, Annotate(RankDevice(*device, env), "trainer"));
  return Distributed::Create(env, std::chrono::seconds(120), at::Device(*device));
}

absl::StatusOr<BuiltSpace> BuildSpace(const std::string& name, const Json& options, uint64_t seed) {
  NAS_ASSIGN_OR_RETURN(SpaceFactory factory, SpaceRegistry().Lookup(name));
  at::manual_seed(seed);
  absl::StatusOr<BuiltSpace> space;
  NAS_RETURN_IF_ERROR(CatchExceptions([&] {
    space = factory(options);
    return absl::OkStatus();
  }));
  return Annotate(std::move(space), "space_options");
}

absl::Status WriteJobConfig(const std::string& dir, const Json& config, const Distributed& dist) {
  if (!dist.is_main() || dir.empty()) return absl::OkStatus();
  NAS_RETURN_IF_ERROR(MakeDirs(dir));
  return WriteJsonFile(JoinPath(dir, "config.json"), config);
}

absl::StatusOr<SupernetJobResult> RunSupernetJob(
    const SupernetJobOptions& o, const Json& config, const std::string& output_dir, bool resume,
    const SupernetFactory& factory, const std::function<absl::Status(SupernetSearch&)>& after_fit) {
  auto start = std::chrono::steady_clock::now();
  std::shared_ptr<Distributed> dist;
  std::string device = o.trainer.device;
  {
    NAS_ASSIGN_OR_RETURN(std::unique_ptr<Distributed> joined, JoinProcessGroup(&device));
    dist = std::move(joined);
  }
  auto inputs = std::make_shared<SupernetInputs>();
  inputs->space_name = o.space;
  NAS_ASSIGN_OR_RETURN(inputs->space, BuildSpace(o.space, o.space_options, o.seed));
  NAS_ASSIGN_OR_RETURN(inputs->data, LoadImageData(o.data, inputs->space, o.space,
                                                   o.split_seed.value_or(o.seed), o.with_test));
  inputs->data_options = o.data;
  inputs->trainer = o.trainer;
  inputs->trainer.device = device;
  inputs->trainer.output_dir = output_dir;
  inputs->trainer.resume = resume;
  if (o.budget_epochs > 0) {
    const int64_t global_batch = o.data.batch_size * dist->world_size();
    const int64_t per_epoch = std::max<int64_t>(1, inputs->data.train.size() / global_batch);
    inputs->trainer.epochs = static_cast<int64_t>(std::ceil(o.budget_epochs));
    inputs->trainer.max_steps = std::max<int64_t>(1, std::llround(o.budget_epochs * per_epoch));
  }
  inputs->seed = o.seed;
  inputs->distributed = dist.get();
  inputs->distributed_owner = dist;
  NAS_RETURN_IF_ERROR(WriteJobConfig(output_dir, config, *dist));
  std::shared_ptr<SupernetSearch> search;
  NAS_RETURN_IF_ERROR(CatchExceptions([&]() -> absl::Status {
    NAS_ASSIGN_OR_RETURN(std::unique_ptr<SupernetSearch> made, factory(*inputs));
    search = std::move(made);
    return absl::OkStatus();
  }));
  NAS_RETURN_IF_ERROR(search->trainer().fit());
  if (after_fit) NAS_RETURN_IF_ERROR(CatchExceptions([&] { return after_fit(*search); }));

  SupernetJobResult result;
  result.validation = search->trainer().last_validation();
  if (result.validation.empty()) {
    // A resumed run that had already finished validates nothing in fit():
    // score the final weights, so the result is never empty.
    NAS_ASSIGN_OR_RETURN(result.validation, search->trainer().validate_now());
  }
  NAS_RETURN_IF_ERROR(CatchExceptions([&] {
    result.architecture = search->exported();
    return absl::OkStatus();
  }));
  result.search = search;
  result.inputs = inputs;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!dist->is_main() || output_dir.empty()) return result;
  NAS_RETURN_IF_ERROR(SaveWeights(*inputs->space.model, JoinPath(output_dir, "supernet.pt")));
  if (result.architecture.has_value() && !o.architecture_file.empty()) {
    NAS_RETURN_IF_ERROR(
        WriteArchitecture(JoinPath(output_dir, o.architecture_file), *result.architecture));
  }
  NAS_RETURN_IF_ERROR(CatchExceptions([&] { return search->write_results(output_dir); }));
  LOG(INFO) << "wrote " << JoinPath(output_dir, "supernet.pt")
            << (result.architecture.has_value() && !o.architecture_file.empty()
                    ? ", " + o.architecture_file
                    : std::string());
  return result;
}

}  // namespace nas
