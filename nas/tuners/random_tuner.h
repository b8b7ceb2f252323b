// RandomTuner: random search over any search space, on the tuner protocol.
// Proposes architectures sampled like RandomMutator; never proposes the same
// architecture twice while unseen ones are likely to remain (up to
// `max_attempts` resamples per proposal).
//
// | option       | default | meaning                                       |
// |--------------|---------|-----------------------------------------------|
// | dedup        | true    | reject architectures proposed before          |
// | max_attempts | 100     | resamples before a duplicate is accepted      |
//
// Registered as "random" in TunerRegistry().
#ifndef NAS_TUNERS_RANDOM_TUNER_H_
#define NAS_TUNERS_RANDOM_TUNER_H_

#include <random>
#include <set>
#include <string>

#include "nas/multi_trial/tuner.h"

namespace nas {

struct RandomTunerOptions {
  bool dedup = true;
  int max_attempts = 100;
};

absl::StatusOr<RandomTunerOptions> RandomTunerOptionsFromJson(const Json& j);

class RandomTuner : public Tuner {
 public:
  RandomTuner(RandomTunerOptions options, uint64_t seed);

  absl::Status update_search_space(const SearchSpace& space) override;
  absl::StatusOr<Json> generate_parameters(int64_t parameter_id) override;
  absl::Status receive_trial_result(int64_t parameter_id, const Json& parameters,
                                    double value) override;

  // Best result received so far (parameters, value); null before any.
  const Json& best_parameters() const { return best_parameters_; }
  double best_value() const { return best_value_; }

 private:
  RandomTunerOptions options_;
  std::mt19937_64 rng_;
  SearchSpace space_;
  bool has_space_ = false;
  std::set<std::string> proposed_;
  Json best_parameters_;
  double best_value_ = 0;
};

}  // namespace nas

#endif  // NAS_TUNERS_RANDOM_TUNER_H_
