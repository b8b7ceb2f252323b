// ScaffoldExampleMutator: the architecture sampler of the scaffold_example package.
//
// As generated it samples uniformly (nas/core/uniform_sampling.h): one candidate
// per LayerChoice; InputChoices by coin flip when n_chosen is unset, else
// n_chosen distinct inputs. Replace sample_search() with your algorithm's
// sampling and sample_final() with what it exports. Seeded by the
// constructor; save()/load() keep the generator so resumed runs continue
// the same sequence (add your own state there, e.g. learned parameters).
#ifndef TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SCAFFOLD_EXAMPLE_MUTATOR_H_
#define TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SCAFFOLD_EXAMPLE_MUTATOR_H_

#include <cstdint>
#include <memory>
#include <random>

#include "nas/core/mutator.h"

namespace nas::scaffold_example {

class ScaffoldExampleMutator : public Mutator {
 public:
  ScaffoldExampleMutator(std::shared_ptr<torch::nn::Module> model, uint64_t seed = 0);
  template <typename M>
  ScaffoldExampleMutator(const torch::nn::ModuleHolder<M>& model, uint64_t seed = 0)
      : ScaffoldExampleMutator(std::static_pointer_cast<torch::nn::Module>(model.ptr()), seed) {}

  // The decisions for the next training steps (cached by reset()).
  Decisions sample_search() override;
  // The architecture to export.
  Decisions sample_final() override;

  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

 private:
  std::mt19937_64 rng_;
};

}  // namespace nas::scaffold_example

#endif  // TESTS_EXTENSION_SCAFFOLD_EXAMPLE_SCAFFOLD_EXAMPLE_MUTATOR_H_
