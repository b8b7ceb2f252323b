// The mutator conformance suite: every algorithm's mutator passes it.
//
//   TEST(RandomMutatorTest, Conformance) {
//     nas::testing::ExpectMutatorConformance(
//         [](std::shared_ptr<torch::nn::Module> model, uint64_t seed) {
//           return std::make_unique<RandomMutator>(model, seed);
//         });
//   }
//
// On every toy space (toy_spaces.h) it checks, with GoogleTest assertions:
//   * binding: the mutator's search space equals the model's;
//   * sampling: reset() yields valid decisions (a bool layer-choice mask
//     selects at least one candidate, a bool input-choice mask honours
//     n_chosen) and the model runs forward and backward with them;
//   * determinism: two mutators built with the same seed on identical
//     models produce the same decisions and the same export;
//   * export: the exported architecture round-trips through a JSON file,
//     and applying it to a fresh model that inherits the supernet's weights
//     gives the same forward output as the supernet under the same
//     decisions.
#ifndef NAS_TESTING_MUTATOR_CONFORMANCE_H_
#define NAS_TESTING_MUTATOR_CONFORMANCE_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "nas/core/mutator.h"

namespace nas::testing {

using MutatorFactory = std::function<std::unique_ptr<Mutator>(
    std::shared_ptr<torch::nn::Module> model, uint64_t seed)>;

void ExpectMutatorConformance(const MutatorFactory& factory);

}  // namespace nas::testing

#endif  // NAS_TESTING_MUTATOR_CONFORMANCE_H_
