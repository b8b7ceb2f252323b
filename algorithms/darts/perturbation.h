// Perturbation-based architecture selection, DARTS-PT (Wang et al.,
// "Rethinking Architecture Selection in Differentiable NAS", ICLR 2021,
// arXiv 2108.04392): instead of taking each edge's largest alpha, take the
// operation the trained supernet needs most.
//
//   ProjectByPerturbation(space, mutator, train, valid, options):
//     repeat until every layer-choice key is projected:
//       1. pick an undecided key (the authors' "random" edge order, seeded);
//       2. for each of its candidates, score the supernet with that
//          candidate masked out (its mixing weight set to 0, the others
//          unchanged: the authors' projection mask, not renormalised);
//       3. project the key onto the candidate whose removal hurts most
//          (lowest accuracy, or highest loss), DartsMutator::project();
//       4. fine-tune the weights for tune_steps steps (SGD, tune_lr, with
//          the projected keys one-hot and the others softmax(alpha)).
//
// Scores run without gradients on the first eval_batches batches of
// `valid`; with batch_statistics (the authors' default: their `infer` runs
// the supernet in train mode) batch norm normalises with each batch's own
// statistics, else the running statistics are used; buffers are restored
// either way, so scoring changes nothing. A candidate named "none" is not
// considered on a layer choice an input choice draws from (the input choice
// decides topology there, as in DARTS's export rule).
//
// | option           | default   | meaning                                  |
// |------------------|-----------|------------------------------------------|
// | tune_steps       | -1        | weight steps after each decision but the |
// |                  |           | last (authors: 5 epochs on NAS-Bench-201;|
// |                  |           | -1 = DefaultTuneSteps, set by the caller)|
// | tune_lr          | 0.0025    | SGD (authors: the search's lr / 10)      |
// | momentum         | 0.9       |                                          |
// | weight_decay     | 3e-4      |                                          |
// | grad_clip        | 5         | global gradient norm                     |
// | eval_batches     | 0         | valid batches per score (0 = all)        |
// | criterion        | accuracy  | "accuracy" or "loss"                     |
// | batch_statistics | true      | BN in train mode while scoring           |
// | seed             | 0         | the edge order                           |
//
// Differences from the authors' code: the fine-tuning trains the weights
// only (theirs also keeps updating the alphas of undecided edges), and
// topology (which inputs a DARTS node keeps) is left to the export rule
// rather than projected by a second perturbation pass.
#ifndef ALGORITHMS_DARTS_PERTURBATION_H_
#define ALGORITHMS_DARTS_PERTURBATION_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "algorithms/darts/darts_mutator.h"
#include "nas/base/json.h"
#include "nas/core/space_registry.h"
#include "nas/train/batch_source.h"

namespace nas::darts {

struct PerturbationOptions {
  int64_t tune_steps = -1;
  double tune_lr = 0.0025;
  double momentum = 0.9;
  double weight_decay = 3e-4;
  double grad_clip = 5;
  int64_t eval_batches = 0;
  std::string criterion = "accuracy";
  bool batch_statistics = true;
  uint64_t seed = 0;
};

absl::Status PerturbationOptionsFromJson(const Json& j, const std::string& path,
                                         PerturbationOptions* out);
Json PerturbationOptionsToJson(const PerturbationOptions& options);

// The fine-tuning between decisions when tune_steps is -1: a quarter of the
// search's `search_steps` in all, spread over the gaps between the space's
// layer-choice keys (the authors: 25 epochs after a 100-epoch search).
int64_t DefaultTuneSteps(int64_t search_steps, const SearchSpace& space);

// One projection: the key, the candidate kept, and the supernet's score
// (accuracy or loss, per the criterion) with each candidate masked (NaN for
// a candidate not considered) and with nothing masked.
struct EdgeDecision {
  std::string key;
  std::string chosen;
  std::vector<double> masked;
  double unmasked = 0;
  Json to_json() const;
};
// Its JSON (test failure messages print it; LibTorch 2.x without glog
// defines operator<< for any std::vector, which then needs this one).
std::ostream& operator<<(std::ostream& os, const EdgeDecision& decision);

// The supernet's score under the mutator's current weights (projections
// included) with candidate `index` of `key` masked out (index -1: nothing
// masked). The model's parameters, buffers and mode and the mutator's
// decisions are as before afterwards.
absl::StatusOr<double> MaskedSupernetScore(const BuiltSpace& space, DartsMutator& mutator,
                                           BatchSource& valid, const PerturbationOptions& options,
                                           const std::string& key, int64_t index);

// The whole selection (above); afterwards every layer-choice key of the
// mutator is projected and mutator.export_architecture() is the result.
// InvalidArgument for bad options (tune_steps -1 included: resolve it
// with DefaultTuneSteps first), a space without layer choices or a valid
// source without batches.
absl::StatusOr<std::vector<EdgeDecision>> ProjectByPerturbation(const BuiltSpace& space,
                                                                DartsMutator& mutator,
                                                                BatchSource& train,
                                                                BatchSource& valid,
                                                                const PerturbationOptions& options);

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_PERTURBATION_H_
