// Mutator: the base of every algorithm's architecture sampler.
//
//   RandomMutator mutator(model);      // binds once
//   for (auto& batch : loader) {
//     mutator.reset();                 // sample_search(), cached
//     auto out = model->forward(batch.data);   // uses the cached decisions
//   }
//   nas::Architecture arch = mutator.export_architecture();  // sample_final()
//
// A subclass implements sample_search() (the decisions used while
// searching) and sample_final() (the architecture it would export). Decisions
// are masks (mutable.h): bool to select, floating to weight. reset() and
// set_decisions() validate them against the space: a missing or unknown key,
// a mask of the wrong length or dtype throws c10::Error naming the key.
// Forward before the first reset() is an error that names the choice.
#ifndef NAS_CORE_MUTATOR_H_
#define NAS_CORE_MUTATOR_H_

#include "nas/core/architecture.h"
#include "nas/core/base_mutator.h"

namespace nas {

class Mutator : public BaseMutator {
 public:
  using BaseMutator::BaseMutator;

  // Decisions for the next forward passes of the search.
  virtual Decisions sample_search() = 0;
  // The decisions this mutator would export now.
  virtual Decisions sample_final() = 0;

  // decisions = sample_search(), validated; in force until the next reset.
  void reset();

  // Replaces the current decisions (validated). Distributed training
  // broadcasts rank 0's decisions with this; tools replay architectures.
  void set_decisions(Decisions decisions);

  // The decisions in force (empty before the first reset()).
  const Decisions& decisions() const { return decisions_; }

  // sample_final() as a readable Architecture; changes nothing in the model
  // or in the current decisions.
  Architecture export_architecture();

  // The current decision for `key`; throws naming the key when there is
  // none (forward before reset()).
  const at::Tensor& decision(const std::string& key) const;

  ChoiceOutput on_forward_layer_choice(LayerChoiceImpl& choice, const CandidateFn& run) override;
  ChoiceOutput on_forward_input_choice(InputChoiceImpl& choice, const CandidateFn& run) override;

 private:
  Decisions decisions_;
};

}  // namespace nas

#endif  // NAS_CORE_MUTATOR_H_
