// The tuner protocol (NNI v1's): a tuner reads the search space, proposes
// parameters for trials and learns from their results.
//
// Parameters are NNI's JSON, one entry per choice key:
//   {"conv1": {"_value": "conv5x5", "_idx": 1},
//    "skip2": {"_value": ["conv0"], "_idx": [1]}}
// (parameters.h converts them to and from Architecture.)
//
// Lifecycle: update_search_space() once before anything else (and again if
// the space changes); then any interleaving of generate_parameters(id) and
// receive_trial_result(id, ...) / trial_end(id, ...) for ids it generated.
// A tuner that has nothing left to propose returns OutOfRange; one that must
// see outstanding results first (a generational algorithm at the end of a
// generation) returns Unavailable, and the driver asks again after the next
// result arrives.
#ifndef NAS_MULTI_TRIAL_TUNER_H_
#define NAS_MULTI_TRIAL_TUNER_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/base/registry.h"
#include "nas/core/search_space.h"

namespace nas {

class Tuner {
 public:
  virtual ~Tuner() = default;

  virtual absl::Status update_search_space(const SearchSpace& space) = 0;
  virtual absl::StatusOr<Json> generate_parameters(int64_t parameter_id) = 0;
  // `value` is the trial's final metric (higher is better).
  virtual absl::Status receive_trial_result(int64_t parameter_id, const Json& parameters,
                                            double value) = 0;
  // Called once per trial when it ends; `success` is false for failed or
  // timed-out trials (which report no result).
  virtual void trial_end(int64_t parameter_id, bool success) {}
};

struct TunerConfig {
  uint64_t seed = 0;
  // Tuner-specific options (strictly validated by the tuner).
  Json options = Json::object();
};

using TunerFactory = std::function<absl::StatusOr<std::unique_ptr<Tuner>>(const TunerConfig&)>;

// Tuners by name ("random", ...); register with NAS_REGISTER.
Registry<TunerFactory>& TunerRegistry();

}  // namespace nas

#endif  // NAS_MULTI_TRIAL_TUNER_H_
