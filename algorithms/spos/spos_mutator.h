// SposMutator: the path samplers of Single Path One-Shot (Guo et al., ECCV
// 2020): a new single path every step, drawn
//
//   * "uniform": each choice uniformly (nas/core/uniform_sampling.h), or
//   * "flops_bins": the authors' FLOPs-uniform sampling. The range
//     [flops_min, flops_max] is cut into `bins` equal bins; one bin is drawn
//     uniformly ONCE per path, then uniform paths are drawn until one falls
//     into it; after max_tries misses the last draw is used unconstrained
//     (counted in fallbacks()). NNI draws a new bin on every try, which
//     makes it uniform over the range rather than over bins.
//
// | option     | default   | meaning                                       |
// |------------|-----------|-----------------------------------------------|
// | sampling   | "uniform" | "uniform" or "flops_bins"                     |
// | flops_min  | 290e6     | lower end of the bins (MACs, as the cost fn)  |
// | flops_max  | 360e6     | upper end                                     |
// | bins       | 7         | equal-width bins (the authors: 7 x 10M)       |
// | max_tries  | 500       | draws before falling back                     |
//
// The cost function (FLOPs of a path; algorithms/spos/flops_table.h gives a
// fast one) is required for "flops_bins". sample_final() samples like
// sample_search(): SPOS exports through evolution, not through the mutator.
#ifndef ALGORITHMS_SPOS_SPOS_MUTATOR_H_
#define ALGORITHMS_SPOS_SPOS_MUTATOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "absl/status/status.h"
#include "nas/base/json.h"
#include "nas/core/mutator.h"

namespace nas::spos {

struct SposSamplingOptions {
  std::string sampling = "uniform";
  double flops_min = 290e6;
  double flops_max = 360e6;
  int bins = 7;
  int max_tries = 500;
};

absl::Status SposSamplingOptionsFromJson(const Json& j, const std::string& path,
                                         SposSamplingOptions* out);
Json SposSamplingOptionsToJson(const SposSamplingOptions& options);

using PathCost = std::function<double(const Decisions&)>;

class SposMutator : public Mutator {
 public:
  // Throws c10::Error for invalid options or "flops_bins" without `cost`.
  SposMutator(std::shared_ptr<torch::nn::Module> model, SposSamplingOptions options, uint64_t seed,
              PathCost cost = nullptr);

  Decisions sample_search() override;
  Decisions sample_final() override { return sample_search(); }

  // Paths that fell back to unconstrained after max_tries misses.
  int64_t fallbacks() const { return fallbacks_; }
  int64_t paths() const { return paths_; }

  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

 private:
  SposSamplingOptions options_;
  std::mt19937_64 rng_;
  PathCost cost_;
  int64_t fallbacks_ = 0;
  int64_t paths_ = 0;
};

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_SPOS_MUTATOR_H_
