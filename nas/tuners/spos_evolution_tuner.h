// The SPOS authors' evolutionary search (Guo et al., ECCV 2020, and their
// released search code) on the tuner protocol, for any search space with
// layer and input choices. Generational:
//
//   generation 0: `population_size` random legal candidates;
//   generation g: `mutations` children of parents drawn from the elite
//     archive, each gene re-drawn with probability mutation_prob;
//     `crossovers` children of two elite parents, each gene from either
//     with probability 1/2 (each up to 10x as many attempts as children);
//     then random legal candidates up to population_size;
//   after each generation the elite archive keeps the top_k candidates of
//   ALL generations (NNI's port kept none across generations).
//
// Candidates are never proposed twice, and a constraint (the FLOPs limit;
// set_constraint()) rejects illegal ones before they are proposed. The
// answer is the best candidate seen. The tuner proposes one generation at
// a time: at a generation's end it answers Unavailable until every result
// is in, and OutOfRange after the last generation. Failed trials count as
// evaluated and never enter the archive. Registered as "spos_evolution".
//
// | option          | default | meaning                                 |
// |-----------------|---------|-----------------------------------------|
// | population_size | 50      | candidates per generation               |
// | generations     | 20      |                                         |
// | top_k           | 10      | elite archive size (parents)            |
// | mutations       | 25      | mutation children per generation        |
// | mutation_prob   | 0.1     | per-gene re-draw probability            |
// | crossovers      | 25      | crossover children per generation       |
// | random_attempts | 1000    | draws allowed per random top-up         |
#ifndef NAS_TUNERS_SPOS_EVOLUTION_TUNER_H_
#define NAS_TUNERS_SPOS_EVOLUTION_TUNER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "nas/multi_trial/tuner.h"

namespace nas {

struct SposEvolutionOptions {
  int population_size = 50;
  int generations = 20;
  int top_k = 10;
  int mutations = 25;
  double mutation_prob = 0.1;
  int crossovers = 25;
  int random_attempts = 1000;
};

absl::StatusOr<SposEvolutionOptions> SposEvolutionOptionsFromJson(const Json& j);
Json SposEvolutionOptionsToJson(const SposEvolutionOptions& options);

class SposEvolutionTuner : public Tuner {
 public:
  SposEvolutionTuner(SposEvolutionOptions options, uint64_t seed);

  // Legal candidates only (e.g. FLOPs under a limit). Set before the first
  // generate_parameters(); parameters are NNI {_value, _idx} JSON.
  void set_constraint(std::function<bool(const Json& parameters)> constraint) {
    constraint_ = std::move(constraint);
  }

  absl::Status update_search_space(const SearchSpace& space) override;
  absl::StatusOr<Json> generate_parameters(int64_t parameter_id) override;
  absl::Status receive_trial_result(int64_t parameter_id, const Json& parameters,
                                    double value) override;
  void trial_end(int64_t parameter_id, bool success) override;

  // The generation a proposed id belongs to (-1 if unknown). Thread-safe:
  // evaluators call it while the driver proposes.
  int generation_of(int64_t parameter_id) const;
  int generation() const { return generation_; }
  const Json& best_parameters() const { return best_parameters_; }
  double best_value() const { return best_value_; }
  // The elite archive, best first: (value, parameters).
  std::vector<std::pair<double, Json>> elite() const;

 private:
  using Genome = std::vector<std::vector<int>>;  // per choice: chosen indices

  Genome random_genome();
  Genome mutate(const Genome& parent);
  Genome crossover(const Genome& a, const Genome& b);
  Json to_parameters(const Genome& genome) const;
  Genome from_parameters(const Json& parameters) const;
  // Adds `genome` to the current generation if new and legal.
  bool offer(const Genome& genome);
  void build_generation();
  void finish(int64_t id);

  SposEvolutionOptions options_;
  std::mt19937_64 rng_;
  std::function<bool(const Json&)> constraint_;
  SearchSpace space_;
  bool has_space_ = false;

  int generation_ = -1;         // the generation being proposed
  std::deque<Json> queue_;      // its candidates not yet proposed
  std::set<std::string> seen_;  // every candidate ever queued
  std::map<int64_t, Json> outstanding_;
  mutable std::mutex generation_mu_;
  std::map<int64_t, int> generation_of_;  // guarded by generation_mu_
  struct Elite {
    double value;
    int64_t id;
    Json parameters;
  };
  std::vector<Elite> results_;  // this generation's
  std::vector<Elite> elite_;    // best first (ties: the earlier)
  Json best_parameters_;
  double best_value_ = 0;
};

}  // namespace nas

#endif  // NAS_TUNERS_SPOS_EVOLUTION_TUNER_H_
