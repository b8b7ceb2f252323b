// Regularized (aging) evolution (Real et al., "Regularized Evolution for
// Image Classifier Architecture Search", AAAI 2019, arXiv 1802.01548) on the
// tuner protocol, over any search space with layer and input choices.
//
//   while population < P:  propose a random architecture
//   then: sample S members of the population, mutate the best of them
//         (one decision re-drawn), propose the child;
//   on each result: the child joins the population, the OLDEST member dies.
//   The answer is the best architecture seen overall (best_parameters()).
//
// | option          | default | meaning                                     |
// |-----------------|---------|---------------------------------------------|
// | population_size | 100     | P (NAS-Bench-201 uses 10, NNI 100)          |
// | sample_size     | 25      | S, tournament size (NAS-Bench-201 uses 3)   |
// | dedup_attempts  | 50      | re-draws before a repeated proposal is kept |
//
// Mutation: a layer choice takes another candidate; an input choice with
// n_chosen swaps one chosen input for an unchosen one; without n_chosen it
// flips one input. Proposals may be outstanding (parallel trials): children
// are bred from the members that have results. Registered as "evolution".
#ifndef NAS_TUNERS_EVOLUTION_TUNER_H_
#define NAS_TUNERS_EVOLUTION_TUNER_H_

#include <deque>
#include <map>
#include <random>
#include <set>
#include <string>

#include "nas/multi_trial/tuner.h"

namespace nas {

struct EvolutionTunerOptions {
  int population_size = 100;
  int sample_size = 25;
  int dedup_attempts = 50;
};

absl::StatusOr<EvolutionTunerOptions> EvolutionTunerOptionsFromJson(const Json& j);

class EvolutionTuner : public Tuner {
 public:
  EvolutionTuner(EvolutionTunerOptions options, uint64_t seed);

  absl::Status update_search_space(const SearchSpace& space) override;
  absl::StatusOr<Json> generate_parameters(int64_t parameter_id) override;
  absl::Status receive_trial_result(int64_t parameter_id, const Json& parameters,
                                    double value) override;

  const Json& best_parameters() const { return best_parameters_; }
  double best_value() const { return best_value_; }
  size_t population() const { return population_.size(); }

 private:
  struct Member {
    Decisions decisions;
    double value;
  };

  Decisions mutate(const Decisions& parent);
  absl::StatusOr<Json> to_parameters(const Decisions& decisions) const;

  EvolutionTunerOptions options_;
  std::mt19937_64 rng_;
  SearchSpace space_;
  bool has_space_ = false;
  int64_t proposed_count_ = 0;
  std::deque<Member> population_;  // oldest first
  std::set<std::string> proposed_;
  Json best_parameters_;
  double best_value_ = 0;
};

}  // namespace nas

#endif  // NAS_TUNERS_EVOLUTION_TUNER_H_
