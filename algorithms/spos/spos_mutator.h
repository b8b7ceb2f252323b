// SposMutator: the path samplers of Single Path One-Shot (Guo et al., ECCV
// 2020): a new single path every step, drawn
//
//   * "uniform": each choice uniformly (nas/core/uniform_sampling.h), or
//   * "flops_bins": the authors' FLOPs-uniform sampling. The range
//     [flops_min, flops_max] is cut into `bins` equal bins; one bin is drawn
//     uniformly ONCE per path, then uniform paths are drawn until one falls
//     into it; after max_tries misses the last draw is used unconstrained
//     (counted in fallbacks()). NNI draws a new bin on every try, which
//     makes it uniform over the range rather than over bins;
//   * "strict_fair": FairNAS's strict fairness (Chu et al., "FairNAS:
//     Rethinking Evaluation Fairness of Weight Sharing Neural Architecture
//     Search", ICCV 2021, arXiv 1907.01845). Paths come in groups of m =
//     the largest layer choice's size (paths_per_step()): each layer choice
//     takes its candidates in a fresh random order, one per path, so within
//     a group every candidate of every m-candidate choice is on exactly one
//     path. A choice with fewer candidates takes a second random order after
//     the first (each candidate on floor(m/k) or ceil(m/k) paths); input
//     choices are drawn uniformly per path. The trainer runs a whole group
//     per step and updates once with the summed gradients (spos_trainer.h).
//
// `fixed` pins layer choices to one candidate in every path ({"key":
// "candidate name"}): a few-shot sub-supernet (few_shot.h) trains this way.
//
// | option     | default   | meaning                                       |
// |------------|-----------|-----------------------------------------------|
// | sampling   | "uniform" | "uniform", "flops_bins" or "strict_fair"      |
// | flops_min  | 290e6     | lower end of the bins (MACs, as the cost fn)  |
// | flops_max  | 360e6     | upper end                                     |
// | bins       | 7         | equal-width bins (the authors: 7 x 10M)       |
// | max_tries  | 500       | draws before falling back                     |
// | fixed      | {}        | layer choice key -> candidate, in every path  |
//
// The cost function (FLOPs of a path; algorithms/spos/flops_table.h gives a
// fast one) is required for "flops_bins". sample_final() samples like
// sample_search(): SPOS exports through evolution, not through the mutator.
#ifndef ALGORITHMS_SPOS_SPOS_MUTATOR_H_
#define ALGORITHMS_SPOS_SPOS_MUTATOR_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "nas/base/json.h"
#include "nas/core/mutator.h"
#include "nas/core/search_space.h"

namespace nas::spos {

struct SposSamplingOptions {
  std::string sampling = "uniform";
  double flops_min = 290e6;
  double flops_max = 360e6;
  int bins = 7;
  int max_tries = 500;
  std::map<std::string, std::string> fixed;
};

absl::Status SposSamplingOptionsFromJson(const Json& j, const std::string& path,
                                         SposSamplingOptions* out);
Json SposSamplingOptionsToJson(const SposSamplingOptions& options);

using PathCost = std::function<double(const Decisions&)>;

// One strict-fair group of paths over `space` (see "strict_fair" above):
// m = StrictFairGroupSize, the largest size among the layer choices not in
// `fixed` (1 when there are none); `fixed` maps a key to the candidate
// index every path takes.
int64_t StrictFairGroupSize(const SearchSpace& space, const std::map<std::string, int64_t>& fixed);
std::vector<Decisions> StrictFairPaths(const SearchSpace& space,
                                       const std::map<std::string, int64_t>& fixed,
                                       std::mt19937_64& rng);

class SposMutator : public Mutator {
 public:
  // Throws c10::Error for invalid options, "flops_bins" without `cost`, or
  // a `fixed` entry that is not a layer choice of the model or names no
  // candidate of it.
  SposMutator(std::shared_ptr<torch::nn::Module> model, SposSamplingOptions options, uint64_t seed,
              PathCost cost = nullptr);

  Decisions sample_search() override;
  Decisions sample_final() override { return sample_search(); }

  // The paths one training step runs: m for "strict_fair" (a whole group;
  // sample_search() hands them out in order), 1 otherwise.
  int paths_per_step() const { return paths_per_step_; }

  // Paths that fell back to unconstrained after max_tries misses.
  int64_t fallbacks() const { return fallbacks_; }
  int64_t paths() const { return paths_; }

  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

 private:
  Decisions pin(Decisions decisions) const;  // `fixed` applied

  SposSamplingOptions options_;
  std::mt19937_64 rng_;
  PathCost cost_;
  std::map<std::string, int64_t> fixed_;  // key -> candidate index
  int paths_per_step_ = 1;
  std::deque<Decisions> pending_;  // the rest of a strict-fair group
  int64_t fallbacks_ = 0;
  int64_t paths_ = 0;
};

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_SPOS_MUTATOR_H_
