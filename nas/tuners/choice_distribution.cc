#include "nas/tuners/choice_distribution.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "nas/base/logging.h"

namespace nas {
namespace {

// Softmax over the logits not marked in `excluded` (those get 0), and the
// log of its normaliser.
std::vector<double> MaskedSoftmax(const std::vector<double>& logits,
                                  const std::vector<bool>& excluded, double* log_normaliser) {
  double max = -INFINITY;
  for (size_t i = 0; i < logits.size(); ++i) {
    if (!excluded[i]) max = std::max(max, logits[i]);
  }
  std::vector<double> p(logits.size(), 0.0);
  double sum = 0;
  for (size_t i = 0; i < logits.size(); ++i) {
    if (!excluded[i]) sum += p[i] = std::exp(logits[i] - max);
  }
  for (double& x : p) x /= sum;
  if (log_normaliser != nullptr) *log_normaliser = max + std::log(sum);
  return p;
}

std::vector<double> Softmax(const std::vector<double>& logits) {
  return MaskedSoftmax(logits, std::vector<bool>(logits.size(), false), nullptr);
}

// An index drawn from `p` (which sums to 1; zero entries are never drawn).
int64_t Draw(const std::vector<double>& p, std::mt19937_64& rng) {
  double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  int64_t last = -1;
  double cumulative = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] <= 0) continue;
    last = static_cast<int64_t>(i);
    cumulative += p[i];
    if (u < cumulative) return last;
  }
  return last;  // rounding left u above the total
}

double Sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// log(1 + exp(x)) without overflow.
double Softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }

}  // namespace

ChoiceDistribution::ChoiceDistribution(Kind kind, int64_t size, int64_t n_chosen)
    : kind_(kind), size_(size), n_chosen_(kind == Kind::kCategorical ? 1 : n_chosen) {
  CHECK_GE(size, kind == Kind::kCategorical ? 1 : 0);
  if (kind == Kind::kWithoutReplacement) CHECK(n_chosen >= 0 && n_chosen <= size);
}

absl::StatusOr<ChoiceDistribution> ChoiceDistribution::from_spec(const ChoiceSpec& spec) {
  if (spec.kind == MutableKind::kLayerChoice) {
    if (spec.size() == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("layer choice '", spec.key, "' has no candidates"));
    }
    return ChoiceDistribution(Kind::kCategorical, spec.size());
  }
  if (!spec.n_chosen) return ChoiceDistribution(Kind::kBernoulli, spec.size());
  if (*spec.n_chosen < 0 || *spec.n_chosen > spec.size()) {
    return absl::InvalidArgumentError(absl::StrCat("input choice '", spec.key, "': n_chosen ",
                                                   *spec.n_chosen, " is outside [0, ", spec.size(),
                                                   "]"));
  }
  return ChoiceDistribution(Kind::kWithoutReplacement, spec.size(), *spec.n_chosen);
}

std::vector<int64_t> ChoiceDistribution::sample(const std::vector<double>& logits,
                                                std::mt19937_64& rng) const {
  CHECK_EQ(static_cast<int64_t>(logits.size()), size_);
  std::vector<int64_t> out;
  switch (kind_) {
    case Kind::kCategorical:
      out.push_back(Draw(Softmax(logits), rng));
      break;
    case Kind::kWithoutReplacement: {
      std::vector<bool> drawn(size_, false);
      for (int64_t t = 0; t < n_chosen_; ++t) {
        int64_t i = Draw(MaskedSoftmax(logits, drawn, nullptr), rng);
        drawn[i] = true;
        out.push_back(i);
      }
      break;
    }
    case Kind::kBernoulli:
      for (int64_t i = 0; i < size_; ++i) {
        if (std::uniform_real_distribution<double>(0.0, 1.0)(rng) < Sigmoid(logits[i])) {
          out.push_back(i);
        }
      }
      break;
  }
  return out;
}

double ChoiceDistribution::log_prob(const std::vector<double>& logits,
                                    const std::vector<int64_t>& sample,
                                    std::vector<double>* gradient) const {
  CHECK_EQ(static_cast<int64_t>(logits.size()), size_);
  for (int64_t i : sample) CHECK(i >= 0 && i < size_) << "sample index " << i;
  if (gradient != nullptr) gradient->assign(size_, 0.0);
  double log_p = 0;
  if (kind_ == Kind::kBernoulli) {
    CHECK(std::is_sorted(sample.begin(), sample.end()) &&
          std::adjacent_find(sample.begin(), sample.end()) == sample.end());
    std::vector<bool> on(size_, false);
    for (int64_t i : sample) on[i] = true;
    for (int64_t i = 0; i < size_; ++i) {
      // log sigmoid(z) = -softplus(-z), log(1 - sigmoid(z)) = -softplus(z).
      log_p -= on[i] ? Softplus(-logits[i]) : Softplus(logits[i]);
      if (gradient != nullptr) (*gradient)[i] = (on[i] ? 1.0 : 0.0) - Sigmoid(logits[i]);
    }
    return log_p;
  }
  // One categorical draw, or n_chosen sequential draws from the softmax over
  // the candidates not drawn yet: log p = sum_t (z[a_t] - logsumexp_{free} z),
  // d/dz = sum_t (onehot(a_t) - p_t).
  CHECK_EQ(static_cast<int64_t>(sample.size()), n_chosen_);
  std::vector<bool> drawn(size_, false);
  for (int64_t a : sample) {
    CHECK(!drawn[a]) << "index " << a << " drawn twice";
    double log_normaliser;
    std::vector<double> p = MaskedSoftmax(logits, drawn, &log_normaliser);
    log_p += logits[a] - log_normaliser;
    if (gradient != nullptr) {
      for (int64_t i = 0; i < size_; ++i) (*gradient)[i] -= p[i];
      (*gradient)[a] += 1.0;
    }
    drawn[a] = true;
  }
  return log_p;
}

double ChoiceDistribution::entropy(const std::vector<double>& logits,
                                   std::vector<double>* gradient) const {
  CHECK_EQ(static_cast<int64_t>(logits.size()), size_);
  if (gradient != nullptr) gradient->assign(size_, 0.0);
  double h = 0;
  if (kind_ == Kind::kBernoulli) {
    // H = p softplus(-z) + (1 - p) softplus(z);  dH/dz = -z p (1 - p).
    for (int64_t i = 0; i < size_; ++i) {
      double p = Sigmoid(logits[i]);
      h += p * Softplus(-logits[i]) + (1 - p) * Softplus(logits[i]);
      if (gradient != nullptr) (*gradient)[i] = -logits[i] * p * (1 - p);
    }
    return h;
  }
  if (kind_ == Kind::kWithoutReplacement && n_chosen_ == 0) return 0;  // nothing is drawn
  // H = -sum p log p;  dH/dz_j = -p_j (log p_j + H).
  double log_normaliser;
  std::vector<double> p = MaskedSoftmax(logits, std::vector<bool>(size_, false), &log_normaliser);
  std::vector<double> log_p(size_);
  for (int64_t i = 0; i < size_; ++i) {
    log_p[i] = logits[i] - log_normaliser;
    h -= p[i] * log_p[i];
  }
  if (gradient != nullptr) {
    for (int64_t i = 0; i < size_; ++i) (*gradient)[i] = -p[i] * (log_p[i] + h);
  }
  return h;
}

std::vector<double> ChoiceDistribution::probabilities(const std::vector<double>& logits) const {
  CHECK_EQ(static_cast<int64_t>(logits.size()), size_);
  if (kind_ != Kind::kBernoulli) return Softmax(logits);
  std::vector<double> p(size_);
  for (int64_t i = 0; i < size_; ++i) p[i] = Sigmoid(logits[i]);
  return p;
}

std::vector<int64_t> ChoiceDistribution::most_likely(const std::vector<double>& logits) const {
  CHECK_EQ(static_cast<int64_t>(logits.size()), size_);
  std::vector<int64_t> out;
  if (kind_ == Kind::kBernoulli) {
    for (int64_t i = 0; i < size_; ++i) {
      if (logits[i] > 0) out.push_back(i);
    }
    return out;
  }
  std::vector<int64_t> order(size_);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return logits[a] > logits[b]; });
  order.resize(n_chosen_);
  return order;
}

}  // namespace nas
