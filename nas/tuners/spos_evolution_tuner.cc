#include "nas/tuners/spos_evolution_tuner.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "nas/base/status.h"

namespace nas {

absl::StatusOr<SposEvolutionOptions> SposEvolutionOptionsFromJson(const Json& j) {
  SposEvolutionOptions o;
  JsonObjectReader r(j, "spos_evolution options");
  r.Optional("population_size", &o.population_size)
      .Optional("generations", &o.generations)
      .Optional("top_k", &o.top_k)
      .Optional("mutations", &o.mutations)
      .Optional("mutation_prob", &o.mutation_prob)
      .Optional("crossovers", &o.crossovers)
      .Optional("random_attempts", &o.random_attempts);
  NAS_RETURN_IF_ERROR(r.Finish());
  auto bad = [](const std::string& what) {
    return absl::InvalidArgumentError(absl::StrCat("spos_evolution options: ", what));
  };
  if (o.population_size < 1) return bad("population_size must be >= 1");
  if (o.generations < 1) return bad("generations must be >= 1");
  if (o.top_k < 1) return bad("top_k must be >= 1");
  if (o.mutations < 0 || o.crossovers < 0) return bad("mutations and crossovers must be >= 0");
  if (o.mutations + o.crossovers > o.population_size) {
    return bad("mutations + crossovers must not exceed population_size");
  }
  if (!(o.mutation_prob >= 0 && o.mutation_prob <= 1))
    return bad("mutation_prob must be in [0, 1]");
  if (o.random_attempts < 1) return bad("random_attempts must be >= 1");
  return o;
}

Json SposEvolutionOptionsToJson(const SposEvolutionOptions& o) {
  return {{"population_size", o.population_size},
          {"generations", o.generations},
          {"top_k", o.top_k},
          {"mutations", o.mutations},
          {"mutation_prob", o.mutation_prob},
          {"crossovers", o.crossovers},
          {"random_attempts", o.random_attempts}};
}

SposEvolutionTuner::SposEvolutionTuner(SposEvolutionOptions options, uint64_t seed)
    : options_(options), rng_(seed) {}

absl::Status SposEvolutionTuner::update_search_space(const SearchSpace& space) {
  if (space.choices().empty())
    return absl::InvalidArgumentError("spos_evolution: the search space has no choices");
  for (const ChoiceSpec& c : space.choices()) {
    if (c.size() == 0)
      return absl::InvalidArgumentError(
          absl::StrCat("spos_evolution: choice '", c.key, "' is empty"));
  }
  space_ = space;
  has_space_ = true;
  return absl::OkStatus();
}

SposEvolutionTuner::Genome SposEvolutionTuner::random_genome() {
  // The rules of nas/core/uniform_sampling.h, on indices.
  Genome genome;
  for (const ChoiceSpec& c : space_.choices()) {
    std::vector<int> gene;
    if (c.kind == MutableKind::kLayerChoice) {
      gene.push_back(std::uniform_int_distribution<int>(0, static_cast<int>(c.size()) - 1)(rng_));
    } else if (c.n_chosen.has_value()) {
      std::vector<int> all(c.size());
      for (int i = 0; i < c.size(); ++i) all[i] = i;
      std::shuffle(all.begin(), all.end(), rng_);
      gene.assign(all.begin(), all.begin() + *c.n_chosen);
      std::sort(gene.begin(), gene.end());
    } else {
      for (int i = 0; i < c.size(); ++i) {
        if (std::bernoulli_distribution(0.5)(rng_)) gene.push_back(i);
      }
    }
    genome.push_back(std::move(gene));
  }
  return genome;
}

SposEvolutionTuner::Genome SposEvolutionTuner::mutate(const Genome& parent) {
  Genome fresh = random_genome();
  Genome child = parent;
  for (size_t i = 0; i < child.size(); ++i) {
    if (std::bernoulli_distribution(options_.mutation_prob)(rng_)) child[i] = fresh[i];
  }
  return child;
}

SposEvolutionTuner::Genome SposEvolutionTuner::crossover(const Genome& a, const Genome& b) {
  Genome child = a;
  for (size_t i = 0; i < child.size(); ++i) {
    if (std::bernoulli_distribution(0.5)(rng_)) child[i] = b[i];
  }
  return child;
}

Json SposEvolutionTuner::to_parameters(const Genome& genome) const {
  Json params = Json::object();
  for (size_t i = 0; i < genome.size(); ++i) {
    const ChoiceSpec& c = space_.choices()[i];
    if (c.kind == MutableKind::kLayerChoice) {
      params[c.key] = {{"_value", c.candidates[genome[i][0]]}, {"_idx", genome[i][0]}};
    } else {
      Json values = Json::array(), indices = Json::array();
      for (int idx : genome[i]) {
        values.push_back(c.candidates[idx]);
        indices.push_back(idx);
      }
      params[c.key] = {{"_value", values}, {"_idx", indices}};
    }
  }
  return params;
}

SposEvolutionTuner::Genome SposEvolutionTuner::from_parameters(const Json& parameters) const {
  Genome genome;
  for (const ChoiceSpec& c : space_.choices()) {
    const Json& idx = parameters.at(c.key).at("_idx");
    if (idx.is_array()) {
      std::vector<int> gene = idx.get<std::vector<int>>();
      std::sort(gene.begin(), gene.end());
      genome.push_back(gene);
    } else {
      genome.push_back({idx.get<int>()});
    }
  }
  return genome;
}

bool SposEvolutionTuner::offer(const Genome& genome) {
  Json params = to_parameters(genome);
  std::string key = params.dump();
  if (seen_.count(key) != 0) return false;
  if (constraint_ && !constraint_(params)) return false;
  seen_.insert(key);
  queue_.push_back(std::move(params));
  return true;
}

void SposEvolutionTuner::build_generation() {
  ++generation_;
  results_.clear();
  int target = options_.population_size;
  if (generation_ > 0 && !elite_.empty()) {
    std::uniform_int_distribution<size_t> pick(0, elite_.size() - 1);
    int made = 0;
    for (int attempt = 0; attempt < options_.mutations * 10 && made < options_.mutations;
         ++attempt) {
      made += offer(mutate(from_parameters(elite_[pick(rng_)].parameters)));
    }
    made = 0;
    for (int attempt = 0; attempt < options_.crossovers * 10 && made < options_.crossovers;
         ++attempt) {
      const Json& a = elite_[pick(rng_)].parameters;
      const Json& b = elite_[pick(rng_)].parameters;
      made += offer(crossover(from_parameters(a), from_parameters(b)));
    }
  }
  for (int attempt = 0;
       attempt < options_.random_attempts && static_cast<int>(queue_.size()) < target; ++attempt) {
    offer(random_genome());
  }
}

absl::StatusOr<Json> SposEvolutionTuner::generate_parameters(int64_t parameter_id) {
  if (!has_space_)
    return absl::FailedPreconditionError("spos_evolution: update_search_space() first");
  if (outstanding_.count(parameter_id) != 0 || generation_of(parameter_id) != -1) {
    return absl::InvalidArgumentError(
        absl::StrCat("spos_evolution: id ", parameter_id, " proposed twice"));
  }
  if (queue_.empty()) {
    if (!outstanding_.empty()) {
      return absl::UnavailableError(absl::StrCat("generation ", generation_, " has ",
                                                 outstanding_.size(), " results outstanding"));
    }
    if (generation_ + 1 >= options_.generations) {
      return absl::OutOfRangeError(absl::StrCat(options_.generations, " generations done"));
    }
    build_generation();
    if (queue_.empty()) {
      return absl::OutOfRangeError(absl::StrCat("no new legal candidate in generation ",
                                                generation_,
                                                " (space exhausted or constraint too tight)"));
    }
  }
  Json params = std::move(queue_.front());
  queue_.pop_front();
  outstanding_[parameter_id] = params;
  {
    std::lock_guard<std::mutex> lock(generation_mu_);
    generation_of_[parameter_id] = generation_;
  }
  return params;
}

void SposEvolutionTuner::finish(int64_t id) {
  outstanding_.erase(id);
  if (!outstanding_.empty() || !queue_.empty()) return;
  // The generation is complete: merge it into the elite archive.
  for (Elite& e : results_) elite_.push_back(std::move(e));
  results_.clear();
  std::sort(elite_.begin(), elite_.end(), [](const Elite& a, const Elite& b) {
    return a.value != b.value ? a.value > b.value : a.id < b.id;
  });
  if (static_cast<int>(elite_.size()) > options_.top_k) elite_.resize(options_.top_k);
}

absl::Status SposEvolutionTuner::receive_trial_result(int64_t parameter_id, const Json& parameters,
                                                      double value) {
  auto it = outstanding_.find(parameter_id);
  if (it == outstanding_.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("spos_evolution: no outstanding proposal ", parameter_id));
  }
  if (it->second != parameters) {
    return absl::InvalidArgumentError(absl::StrCat("spos_evolution: result ", parameter_id,
                                                   " is for other parameters than proposed"));
  }
  if (best_parameters_.is_null() || value > best_value_) {
    best_parameters_ = parameters;
    best_value_ = value;
  }
  results_.push_back({value, parameter_id, parameters});
  finish(parameter_id);
  return absl::OkStatus();
}

void SposEvolutionTuner::trial_end(int64_t parameter_id, bool success) {
  // A success was handled by receive_trial_result; a failure is evaluated,
  // but never a parent.
  if (!success && outstanding_.count(parameter_id) != 0) finish(parameter_id);
}

int SposEvolutionTuner::generation_of(int64_t parameter_id) const {
  std::lock_guard<std::mutex> lock(generation_mu_);
  auto it = generation_of_.find(parameter_id);
  return it == generation_of_.end() ? -1 : it->second;
}

std::vector<std::pair<double, Json>> SposEvolutionTuner::elite() const {
  std::vector<std::pair<double, Json>> out;
  for (const Elite& e : elite_) out.emplace_back(e.value, e.parameters);
  return out;
}

namespace {

absl::StatusOr<std::unique_ptr<Tuner>> MakeSposEvolutionTuner(const TunerConfig& config) {
  NAS_ASSIGN_OR_RETURN(SposEvolutionOptions options, SposEvolutionOptionsFromJson(config.options));
  return std::unique_ptr<Tuner>(std::make_unique<SposEvolutionTuner>(options, config.seed));
}

}  // namespace
}  // namespace nas

NAS_REGISTER(nas::TunerRegistry(), "spos_evolution", &nas::MakeSposEvolutionTuner);
