#include "nas/jobs/supernet_config.h"

namespace nas {

absl::Status ReadSupernetJobMembers(JsonObjectReader& r, const std::string& path,
                                    SupernetJobOptions* o) {
  r.Optional("space", &o->space)
      .Optional("space_options", &o->space_options)
      .Optional("seed", &o->seed);
  const Json* data = r.Member("data");
  const Json* trainer = r.Member("trainer");
  NAS_RETURN_IF_ERROR(r.Finish());
  if (data != nullptr)
    NAS_RETURN_IF_ERROR(DataOptionsFromJson(*data, JsonChildPath(path, "data"), &o->data));
  if (trainer != nullptr) {
    NAS_RETURN_IF_ERROR(
        TrainerOptionsFromJson(*trainer, JsonChildPath(path, "trainer"), &o->trainer));
  }
  if (o->space.empty())
    return absl::InvalidArgumentError(absl::StrCat(JsonChildPath(path, "space"), " is empty"));
  if (!o->space_options.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(JsonChildPath(path, "space_options"), ": expected an object"));
  }
  return absl::OkStatus();
}

Json SupernetJobMembersToJson(const SupernetJobOptions& o) {
  return {{"space", o.space},
          {"space_options", o.space_options},
          {"data", DataOptionsToJson(o.data)},
          {"trainer", TrainerOptionsToJson(o.trainer)},
          {"seed", o.seed}};
}

}  // namespace nas
