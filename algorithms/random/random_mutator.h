// RandomMutator: uniform random architectures. The simplest complete
// mutator, a debugging aid, and the template for new ones.
//
// Decisions come from nas/core/uniform_sampling.h: one uniform candidate per
// LayerChoice; InputChoices by coin flip when n_chosen is unset, else
// n_chosen distinct inputs. sample_final() samples too (a random search exports a random
// architecture). Seeded by its constructor; its generator state is saved
// with save() so resumed runs continue the same sequence.
#ifndef ALGORITHMS_RANDOM_RANDOM_MUTATOR_H_
#define ALGORITHMS_RANDOM_RANDOM_MUTATOR_H_

#include <cstdint>
#include <memory>
#include <random>

#include "nas/core/mutator.h"

namespace nas::random {

class RandomMutator : public Mutator {
 public:
  RandomMutator(std::shared_ptr<torch::nn::Module> model, uint64_t seed = 0);
  template <typename M>
  RandomMutator(const torch::nn::ModuleHolder<M>& model, uint64_t seed = 0)
      : RandomMutator(std::static_pointer_cast<torch::nn::Module>(model.ptr()), seed) {}

  Decisions sample_search() override;
  Decisions sample_final() override { return sample_search(); }

  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

 private:
  std::mt19937_64 rng_;
};

}  // namespace nas::random

#endif  // ALGORITHMS_RANDOM_RANDOM_MUTATOR_H_
