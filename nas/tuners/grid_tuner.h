// GridTuner: every architecture of a search space, in a fixed order, each
// `repeats` times, then OutOfRange. What a tabular benchmark is generated
// with (every architecture trained with several seeds), and an exhaustive
// baseline for small spaces.
//
// Order: the product of the choices in the space's order, the last choice
// fastest; a layer choice takes each candidate; an input choice with
// n_chosen = k each k-subset (in lexicographic order of indices), without
// n_chosen each subset (by bit pattern). All architectures for repeat 0,
// then all again for repeat 1, ... so a search stopped early has seen the
// first repeat of as many architectures as possible.
//
// | option  | default | meaning                                            |
// |---------|---------|----------------------------------------------------|
// | repeats | 1       | proposals per architecture (>= 1; seeds differ: the |
// |         |         | driver gives every trial its own seed)             |
//
// A space with more than 1,000,000 architectures is refused. Registered as
// "grid".
#ifndef NAS_TUNERS_GRID_TUNER_H_
#define NAS_TUNERS_GRID_TUNER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "nas/multi_trial/tuner.h"

namespace nas {

struct GridTunerOptions {
  int repeats = 1;
};

absl::StatusOr<GridTunerOptions> GridTunerOptionsFromJson(const Json& j);

class GridTuner : public Tuner {
 public:
  explicit GridTuner(GridTunerOptions options) : options_(options) {}

  absl::Status update_search_space(const SearchSpace& space) override;
  absl::StatusOr<Json> generate_parameters(int64_t parameter_id) override;
  absl::Status receive_trial_result(int64_t parameter_id, const Json& parameters,
                                    double value) override {
    return absl::OkStatus();
  }

  // Architectures in the space (one repeat).
  int64_t architectures() const { return total_; }

 private:
  // Per choice: its selections, as index lists.
  std::vector<std::vector<std::vector<int64_t>>> options_per_choice_;
  GridTunerOptions options_;
  SearchSpace space_;
  bool has_space_ = false;
  int64_t total_ = 0;
  int64_t next_ = 0;
};

}  // namespace nas

#endif  // NAS_TUNERS_GRID_TUNER_H_
