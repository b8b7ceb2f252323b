// ScaffoldExampleTuner: the scaffold_example package's tuner on the tuner protocol
// (nas/multi_trial/tuner.h), registered as "scaffold_example" in TunerRegistry(), so
// //tools:tune and this package's :search binary can run it by name.
//
// As generated it proposes uniformly random architectures, never the same
// one twice while unseen ones are likely to remain (up to `max_attempts`
// resamples), and remembers the best result. Put your algorithm's
// proposals in generate_parameters() and its learning in
// receive_trial_result().
//
// | option       | default | meaning                                   |
// |--------------|---------|-------------------------------------------|
// | max_attempts | 100     | resamples before a duplicate is accepted  |
#ifndef TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SCAFFOLD_EXAMPLE_TUNER_H_
#define TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SCAFFOLD_EXAMPLE_TUNER_H_

#include <random>
#include <set>
#include <string>

#include "nas/multi_trial/tuner.h"

namespace nas::scaffold_example {

struct ScaffoldExampleTunerOptions {
  int max_attempts = 100;
};

// Strict: unknown members are errors.
absl::StatusOr<ScaffoldExampleTunerOptions> ScaffoldExampleTunerOptionsFromJson(const Json& j);

class ScaffoldExampleTuner : public Tuner {
 public:
  ScaffoldExampleTuner(ScaffoldExampleTunerOptions options, uint64_t seed);

  absl::Status update_search_space(const SearchSpace& space) override;
  absl::StatusOr<Json> generate_parameters(int64_t parameter_id) override;
  absl::Status receive_trial_result(int64_t parameter_id, const Json& parameters,
                                    double value) override;

  // The best result received so far (null parameters before any).
  const Json& best_parameters() const { return best_parameters_; }
  double best_value() const { return best_value_; }

 private:
  ScaffoldExampleTunerOptions options_;
  std::mt19937_64 rng_;
  SearchSpace space_;
  bool has_space_ = false;
  std::set<std::string> proposed_;
  Json best_parameters_;
  double best_value_ = 0;
};

}  // namespace nas::scaffold_example

#endif  // TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SCAFFOLD_EXAMPLE_TUNER_H_
