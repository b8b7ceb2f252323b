// ChoiceDistribution: the factorised distribution a learned tuner keeps per
// choice key, as plain functions of one logit vector (REINFORCE's log-prob
// gradients and entropy bonus included). The policy-gradient tuner
// (policy_gradient_tuner.h) holds one per key.
//
// | choice                       | distribution                              |
// |------------------------------|-------------------------------------------|
// | LayerChoice                  | softmax over the candidates               |
// | InputChoice, n_chosen = k    | k draws without replacement, each a       |
// |                              | softmax over the inputs not yet drawn     |
// | InputChoice, n_chosen unset  | one Bernoulli (sigmoid) per input         |
//
// The entropy is exact for the first and last rows; for draws without
// replacement it is the entropy of the first draw's softmax, a proxy (the
// exact entropy of the ordered draws has no closed form) that is zero only
// when the first draw is deterministic.
#ifndef NAS_TUNERS_CHOICE_DISTRIBUTION_H_
#define NAS_TUNERS_CHOICE_DISTRIBUTION_H_

#include <cstdint>
#include <random>
#include <vector>

#include "absl/status/statusor.h"
#include "nas/core/search_space.h"

namespace nas {

// The learned distribution of one choice as plain functions of its logits
// (one per candidate). A sample lists candidate indices: the one chosen for
// a layer choice; the k draws in draw order for an input choice with
// n_chosen = k; the chosen inputs in increasing order without n_chosen.
// Passing logits or a sample of the wrong form is a programming error
// (CHECK).
class ChoiceDistribution {
 public:
  enum class Kind {
    kCategorical,         // layer choice
    kWithoutReplacement,  // input choice with n_chosen
    kBernoulli,           // input choice without n_chosen
  };

  // `n_chosen` only matters for kWithoutReplacement (0 <= n_chosen <= size).
  ChoiceDistribution(Kind kind, int64_t size, int64_t n_chosen = 1);

  // InvalidArgument naming the key for a layer choice without candidates or
  // an n_chosen outside [0, size].
  static absl::StatusOr<ChoiceDistribution> from_spec(const ChoiceSpec& spec);

  Kind kind() const { return kind_; }
  int64_t size() const { return size_; }

  std::vector<int64_t> sample(const std::vector<double>& logits, std::mt19937_64& rng) const;

  // log pi(sample); with `gradient`, also d log pi(sample) / d logits.
  double log_prob(const std::vector<double>& logits, const std::vector<int64_t>& sample,
                  std::vector<double>* gradient = nullptr) const;

  // The entropy (the first draw's for kWithoutReplacement, see above); with
  // `gradient`, also its gradient wrt the logits.
  double entropy(const std::vector<double>& logits, std::vector<double>* gradient = nullptr) const;

  // Per candidate: the softmax (kCategorical), the first draw's softmax
  // (kWithoutReplacement), the probability of being chosen (kBernoulli).
  std::vector<double> probabilities(const std::vector<double>& logits) const;

  // The mode: the argmax; the top-k logits in decreasing order (the most
  // likely draw sequence); the inputs with a positive logit. Ties go to the
  // lower index.
  std::vector<int64_t> most_likely(const std::vector<double>& logits) const;

 private:
  Kind kind_;
  int64_t size_;
  int64_t n_chosen_;
};

}  // namespace nas

#endif  // NAS_TUNERS_CHOICE_DISTRIBUTION_H_
