// The "my_algo" tuner: proposes random architectures (NNI's tuner protocol).
#include <random>

#include "nas/base/status.h"
#include "nas/core/parameters.h"
#include "nas/core/uniform_sampling.h"
#include "nas/multi_trial/tuner.h"

namespace nas::my_algo {
namespace {

class MyAlgoTuner : public Tuner {
 public:
  explicit MyAlgoTuner(uint64_t seed) : rng_(seed) {}

  absl::Status update_search_space(const SearchSpace& space) override {
    space_ = space;
    return absl::OkStatus();
  }

  absl::StatusOr<Json> generate_parameters(int64_t parameter_id) override {
    Architecture arch = Architecture::from_decisions(SampleUniformDecisions(space_, rng_), space_);
    return ParametersFromArchitecture(arch, space_);  // {"key": {"_value", "_idx"}}
  }

  absl::Status receive_trial_result(int64_t parameter_id, const Json& parameters,
                                    double value) override {
    return absl::OkStatus();  // random search learns nothing
  }

 private:
  std::mt19937_64 rng_;
  SearchSpace space_;
};

absl::StatusOr<std::unique_ptr<Tuner>> MakeMyAlgoTuner(const TunerConfig& config) {
  JsonObjectReader reader(config.options, "my_algo tuner options");
  NAS_RETURN_IF_ERROR(reader.Finish());  // it takes no options: any member is an error
  return std::unique_ptr<Tuner>(std::make_unique<MyAlgoTuner>(config.seed));
}

}  // namespace
}  // namespace nas::my_algo

NAS_REGISTER(nas::TunerRegistry(), "my_algo", &nas::my_algo::MakeMyAlgoTuner);
