// Random architectures of a registered space (:sample): draws them with
// RandomMutator, checks that the model runs with each (a batch of zeros),
// and writes them as architecture files. No training: a debugging aid and
// the input of //tools:inspect, //tools:draw and retraining.
//
// Output (in output_dir): search_space.json, config.json (the resolved
// configuration), arch_000.json ... arch_<n-1>.json.
//
//   {"space": "small_cnn", "space_options": {}, "num_samples": 5, "seed": 0}
#ifndef ALGORITHMS_RANDOM_SAMPLE_JOB_H_
#define ALGORITHMS_RANDOM_SAMPLE_JOB_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nas/base/json.h"

namespace nas::random {

struct SampleOptions {
  std::string space = "small_cnn";
  Json space_options = Json::object();
  int num_samples = 5;
  uint64_t seed = 0;
};

absl::StatusOr<SampleOptions> SampleOptionsFromJson(const Json& j, const std::string& source);
Json SampleOptionsToJson(const SampleOptions& options);

absl::Status RunSampleJob(const SampleOptions& options, const std::string& output_dir);

}  // namespace nas::random

#endif  // ALGORITHMS_RANDOM_SAMPLE_JOB_H_
