// Uniformly random decisions, shared by every sampler that needs them (the
// random mutator and tuner, evolution's initial population, validation of a
// supernet on random paths):
//
// | choice                       | sample                                    |
// |------------------------------|-------------------------------------------|
// | LayerChoice                  | one candidate, uniformly                  |
// | InputChoice, n_chosen unset  | each input by an independent coin flip    |
// | InputChoice, n_chosen = k    | k distinct inputs, uniformly              |
#ifndef NAS_CORE_UNIFORM_SAMPLING_H_
#define NAS_CORE_UNIFORM_SAMPLING_H_

#include <random>

#include <ATen/core/Tensor.h>

#include "nas/core/search_space.h"

namespace nas {

// A bool mask for `spec`.
at::Tensor SampleUniformDecision(const ChoiceSpec& spec, std::mt19937_64& rng);

// One decision per choice of `space`.
Decisions SampleUniformDecisions(const SearchSpace& space, std::mt19937_64& rng);

}  // namespace nas

#endif  // NAS_CORE_UNIFORM_SAMPLING_H_
