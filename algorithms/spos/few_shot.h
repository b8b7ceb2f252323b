// Few-shot supernets (Zhao et al., "Few-shot Neural Architecture Search",
// ICML 2021, arXiv 2006.06863) on the SPOS trainer, for any space with a
// layer choice: the one-shot supernet is trained first; then it is split on
// one layer choice into one sub-supernet per candidate, each starting from
// the one-shot weights (CopySupernetWeights) and fine-tuned with that
// candidate pinned on every path (SposSamplingOptions::fixed), so that the
// other candidates of the split no longer co-adapt with it; an architecture
// is scored on the sub-supernet of its candidate.
//
// | option       | default | meaning                                        |
// |--------------|---------|------------------------------------------------|
// | split        | ""      | the layer choice to split on ("" = the space's  |
// |              |         | first layer choice)                            |
// | split_epochs | 0       | each sub-supernet's fine-tuning, epochs of      |
// |              |         | data.train (0 = the one-shot budget / number   |
// |              |         | of candidates: all sub-supernets together cost |
// |              |         | one more one-shot training)                    |
//
// The paper splits NAS-Bench-201 on one edge (5 sub-supernets) and reports
// Kendall's tau of the supernet ranking rising from 0.485 to 0.551.
#ifndef ALGORITHMS_SPOS_FEW_SHOT_H_
#define ALGORITHMS_SPOS_FEW_SHOT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "algorithms/spos/spos_trainer.h"
#include "nas/base/json.h"
#include "nas/core/search_space.h"
#include "nas/jobs/oneshot_method.h"
#include "nas/jobs/supernet_search.h"

namespace nas::spos {

struct FewShotOptions {
  std::string split;
  double split_epochs = 0;
};

absl::Status FewShotOptionsFromJson(const Json& j, const std::string& path, FewShotOptions* out);
Json FewShotOptionsToJson(const FewShotOptions& options);

// Copies every parameter and buffer of `from` into the same-named one of
// `to` (no gradient recorded): a sub-supernet then computes exactly what
// its parent does. InvalidArgument naming the first parameter or buffer
// that `to` lacks, has in excess, or holds in another shape.
absl::Status CopySupernetWeights(const torch::nn::Module& from, torch::nn::Module& to);

// The key to split on: `split` when it names a layer choice of `space`,
// the first layer choice when it is empty; InvalidArgument otherwise.
absl::StatusOr<std::string> FewShotSplitKey(const SearchSpace& space, const std::string& split);

// The few-shot search of a one-shot request: the one-shot supernet trained
// with `optimizer` (in <output_dir>/one_shot), a sub-supernet per candidate
// of the split (<output_dir>/sub_<candidate>), then `search` over the whole
// space, each architecture scored on its sub-supernet (<output_dir>/search).
// The result's scorer rates architectures the same way (request.scoring).
absl::StatusOr<OneShotResult> FewShotSearch(const OneShotRequest& request,
                                            const SposTrainerOptions& optimizer,
                                            const SupernetSearchOptions& search,
                                            const FewShotOptions& few_shot);

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_FEW_SHOT_H_
