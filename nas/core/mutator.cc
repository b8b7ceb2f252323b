#include "nas/core/mutator.h"

#include <c10/util/Exception.h>

#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"

namespace nas {

void Mutator::reset() { set_decisions(sample_search()); }

void Mutator::set_decisions(Decisions decisions) {
  absl::Status status = search_space().check(decisions);
  TORCH_CHECK(status.ok(), std::string(status.message()));
  decisions_ = std::move(decisions);
}

Architecture Mutator::export_architecture() {
  Decisions final_decisions = sample_final();
  absl::Status status = search_space().check(final_decisions);
  TORCH_CHECK(status.ok(), "sample_final(): ", std::string(status.message()));
  return Architecture::from_decisions(final_decisions, search_space());
}

const at::Tensor& Mutator::decision(const std::string& key) const {
  auto it = decisions_.find(key);
  if (it == decisions_.end()) {
    TORCH_CHECK(!decisions_.empty(), "choice '", key,
                "' ran before the mutator's first reset(): call mutator.reset() before forward");
    TORCH_CHECK(false, "no decision for key '", key, "'");
  }
  return it->second;
}

ChoiceOutput Mutator::on_forward_layer_choice(LayerChoiceImpl& choice, const CandidateFn& run) {
  return SelectAndReduce(choice.key(), decision(choice.key()), choice.n_candidates(), run,
                         choice.options().reduction());
}

ChoiceOutput Mutator::on_forward_input_choice(InputChoiceImpl& choice, const CandidateFn& run) {
  return SelectAndReduce(choice.key(), decision(choice.key()), choice.n_candidates(), run,
                         choice.options().reduction());
}

}  // namespace nas
