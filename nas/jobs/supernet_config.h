// The configuration of a supernet job whose package adds one section, its
// algorithm's options: one schema instead of a hand-written reader per
// package.
//
//   {"preset": "default",
//    "space": "small_cnn", "space_options": {...},
//    "data": {...DataOptions...},
//    "trainer": {...TrainerOptions...},
//    "<section>": {...the algorithm's options...},
//    "seed": 0}
//
// A preset gives every member; the document's members override it
// (strictly: unknown members are errors naming their JSON path).
//
// Example (algorithms/random/train_job.cc):
//
//   const nas::SupernetConfigSchema<RandomTrainerOptions>& Schema() {
//     static const auto* schema = new nas::SupernetConfigSchema<RandomTrainerOptions>{
//         "optimizer", &RandomTrainerOptionsFromJson, &RandomTrainerOptionsToJson,
//         {{"default", &DefaultConfig}}};
//     return *schema;
//   }
#ifndef NAS_JOBS_SUPERNET_CONFIG_H_
#define NAS_JOBS_SUPERNET_CONFIG_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nas/base/json.h"
#include "nas/base/status.h"
#include "nas/jobs/supernet_job.h"

namespace nas {

template <typename Algorithm>
struct SupernetConfig {
  std::string preset;
  SupernetJobOptions job;
  Algorithm algorithm;
};

template <typename Algorithm>
struct SupernetConfigSchema {
  std::string section;  // the algorithm's member, e.g. "optimizer"
  absl::Status (*algorithm_from_json)(const Json& j, const std::string& path, Algorithm* out);
  Json (*algorithm_to_json)(const Algorithm& options);
  // Presets by name; the first is the default.
  std::vector<std::pair<std::string, std::function<SupernetConfig<Algorithm>()>>> presets;
};

// The members every supernet configuration shares, over `*out`.
absl::Status ReadSupernetJobMembers(JsonObjectReader& reader, const std::string& path,
                                    SupernetJobOptions* out);
Json SupernetJobMembersToJson(const SupernetJobOptions& options);

template <typename Algorithm>
absl::StatusOr<SupernetConfig<Algorithm>> SupernetPreset(
    const SupernetConfigSchema<Algorithm>& schema, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& [preset, make] : schema.presets) {
    if (preset == name) {
      SupernetConfig<Algorithm> config = make();
      config.preset = name;
      return config;
    }
    names.push_back(preset);
  }
  return absl::NotFoundError(
      absl::StrCat("unknown preset '", name, "'; known: ", absl::StrJoin(names, ", ")));
}

template <typename Algorithm>
absl::StatusOr<SupernetConfig<Algorithm>> SupernetConfigFromJson(
    const SupernetConfigSchema<Algorithm>& schema, const Json& j, const std::string& source) {
  if (!j.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": expected a JSON object"));
  }
  std::string preset = schema.presets.front().first;
  if (j.contains("preset"))
    NAS_RETURN_IF_ERROR(JsonGet(j["preset"], JsonChildPath(source, "preset"), &preset));
  NAS_ASSIGN_OR_RETURN(SupernetConfig<Algorithm> config,
                       Annotate(SupernetPreset(schema, preset), JsonChildPath(source, "preset")));
  JsonObjectReader r(j, source);
  std::string unused;
  r.Optional("preset", &unused);
  const Json* algorithm = r.Member(schema.section);
  NAS_RETURN_IF_ERROR(ReadSupernetJobMembers(r, source, &config.job));
  if (algorithm != nullptr) {
    NAS_RETURN_IF_ERROR(schema.algorithm_from_json(
        *algorithm, JsonChildPath(source, schema.section), &config.algorithm));
  }
  return config;
}

template <typename Algorithm>
Json SupernetConfigToJson(const SupernetConfigSchema<Algorithm>& schema,
                          const SupernetConfig<Algorithm>& config) {
  Json j = SupernetJobMembersToJson(config.job);
  j["preset"] = config.preset;
  j[schema.section] = schema.algorithm_to_json(config.algorithm);
  return j;
}

}  // namespace nas

#endif  // NAS_JOBS_SUPERNET_CONFIG_H_
