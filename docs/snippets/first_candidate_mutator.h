// The advanced path in a few lines: a mutator that derives from BaseMutator
// and decides in the forward hooks how each choice runs (here: always the
// first candidate / input, a debugging aid). See algorithms/gumbel for a
// real one.
#ifndef ALGORITHMS_MY_ALGO_FIRST_CANDIDATE_MUTATOR_H_
#define ALGORITHMS_MY_ALGO_FIRST_CANDIDATE_MUTATOR_H_

#include <ATen/ATen.h>

#include "nas/core/base_mutator.h"
#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"

namespace nas::my_algo {

class FirstCandidateMutator : public BaseMutator {
 public:
  using BaseMutator::BaseMutator;

  ChoiceOutput on_forward_layer_choice(LayerChoiceImpl& choice, const CandidateFn& run) override {
    return First(choice.key(), choice.n_candidates(), choice.options().reduction(), run);
  }
  ChoiceOutput on_forward_input_choice(InputChoiceImpl& choice, const CandidateFn& run) override {
    return First(choice.key(), choice.n_candidates(), choice.options().reduction(), run);
  }

 private:
  // run(i) computes candidate i only when called: the hook decides what runs.
  static ChoiceOutput First(const std::string& key, int64_t n, Reduction reduction,
                            const CandidateFn& run) {
    at::Tensor mask = at::zeros({n}, at::kBool);
    mask[0] = true;
    return SelectAndReduce(key, mask, n, run, reduction);  // applies the mutable's reduction
  }
};

}  // namespace nas::my_algo

#endif  // ALGORITHMS_MY_ALGO_FIRST_CANDIDATE_MUTATOR_H_
