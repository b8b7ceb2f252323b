// MyAlgoMutator: the architecture sampler of the my_algo package.
#ifndef ALGORITHMS_MY_ALGO_MY_ALGO_MUTATOR_H_
#define ALGORITHMS_MY_ALGO_MY_ALGO_MUTATOR_H_

#include <cstdint>
#include <memory>
#include <random>

#include "nas/core/mutator.h"

namespace nas::my_algo {

class MyAlgoMutator : public Mutator {
 public:
  MyAlgoMutator(std::shared_ptr<torch::nn::Module> model, uint64_t seed = 0);

  Decisions sample_search() override;  // decisions for the next steps
  Decisions sample_final() override;   // the architecture to export

  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

 private:
  std::mt19937_64 rng_;
};

}  // namespace nas::my_algo

#endif  // ALGORITHMS_MY_ALGO_MY_ALGO_MUTATOR_H_
