#include "nas/tuners/choice_distribution.h"

#include <cmath>
#include <map>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nas {
namespace {

using ::testing::HasSubstr;
using Kind = ChoiceDistribution::Kind;

void ExpectGradientsMatchFiniteDifferences(const ChoiceDistribution& d,
                                           const std::vector<double>& logits,
                                           const std::vector<int64_t>* sample) {
  auto f = [&](const std::vector<double>& z, std::vector<double>* gradient) {
    return sample != nullptr ? d.log_prob(z, *sample, gradient) : d.entropy(z, gradient);
  };
  std::vector<double> gradient;
  f(logits, &gradient);
  ASSERT_EQ(gradient.size(), logits.size());
  const double h = 1e-5;
  for (size_t i = 0; i < logits.size(); ++i) {
    std::vector<double> plus = logits, minus = logits;
    plus[i] += h;
    minus[i] -= h;
    double numeric = (f(plus, nullptr) - f(minus, nullptr)) / (2 * h);
    EXPECT_NEAR(gradient[i], numeric, 1e-7)
        << (sample != nullptr ? "log_prob" : "entropy") << " logit " << i;
  }
}

const std::vector<double> kLogits = {0.3, -1.2, 0.8, 2.0, -0.4};

TEST(ChoiceDistributionTest, LogProbGradientsMatchFiniteDifferences) {
  ChoiceDistribution categorical(Kind::kCategorical, 5);
  ChoiceDistribution two_of_five(Kind::kWithoutReplacement, 5, 2);
  ChoiceDistribution bernoulli(Kind::kBernoulli, 5);
  for (std::vector<int64_t> s : {std::vector<int64_t>{0}, {3}, {1}}) {
    ExpectGradientsMatchFiniteDifferences(categorical, kLogits, &s);
  }
  for (std::vector<int64_t> s : {std::vector<int64_t>{3, 1}, {1, 3}, {0, 4}}) {
    ExpectGradientsMatchFiniteDifferences(two_of_five, kLogits, &s);
  }
  for (std::vector<int64_t> s : {std::vector<int64_t>{}, {1, 3}, {0, 1, 2, 3, 4}}) {
    ExpectGradientsMatchFiniteDifferences(bernoulli, kLogits, &s);
  }
}

TEST(ChoiceDistributionTest, LogProbsSumToOneOverAllOutcomes) {
  double categorical = 0, ordered_pairs = 0, subsets = 0;
  for (int64_t a = 0; a < 5; ++a) {
    categorical += std::exp(ChoiceDistribution(Kind::kCategorical, 5).log_prob(kLogits, {a}));
    for (int64_t b = 0; b < 5; ++b) {
      if (a == b) continue;
      ordered_pairs +=
          std::exp(ChoiceDistribution(Kind::kWithoutReplacement, 5, 2).log_prob(kLogits, {a, b}));
    }
  }
  for (int mask = 0; mask < 32; ++mask) {
    std::vector<int64_t> s;
    for (int64_t i = 0; i < 5; ++i) {
      if (mask & (1 << i)) s.push_back(i);
    }
    subsets += std::exp(ChoiceDistribution(Kind::kBernoulli, 5).log_prob(kLogits, s));
  }
  EXPECT_NEAR(categorical, 1, 1e-12);
  EXPECT_NEAR(ordered_pairs, 1, 1e-12);
  EXPECT_NEAR(subsets, 1, 1e-12);
}

TEST(ChoiceDistributionTest, EntropyGradientsMatchFiniteDifferencesAndPointToFlatter) {
  for (const ChoiceDistribution& d : {ChoiceDistribution(Kind::kCategorical, 5),
                                      ChoiceDistribution(Kind::kWithoutReplacement, 5, 2),
                                      ChoiceDistribution(Kind::kBernoulli, 5)}) {
    ExpectGradientsMatchFiniteDifferences(d, kLogits, nullptr);
    std::vector<double> gradient, stepped = kLogits;
    double before = d.entropy(kLogits, &gradient);
    for (size_t i = 0; i < stepped.size(); ++i) stepped[i] += 0.01 * gradient[i];
    EXPECT_GT(d.entropy(stepped), before);
    // The uniform distribution is the maximum: no gradient there.
    d.entropy(std::vector<double>(5, 0.0), &gradient);
    for (double g : gradient) EXPECT_NEAR(g, 0, 1e-15);
  }
  EXPECT_NEAR(ChoiceDistribution(Kind::kCategorical, 4).entropy({0, 0, 0, 0}), std::log(4.0),
              1e-12);
  EXPECT_NEAR(ChoiceDistribution(Kind::kBernoulli, 3).entropy({0, 0, 0}), 3 * std::log(2.0), 1e-12);
}

TEST(ChoiceDistributionTest, SamplesFollowTheProbabilitiesAndModes) {
  std::mt19937_64 rng(3);
  ChoiceDistribution categorical(Kind::kCategorical, 5);
  ChoiceDistribution two_of_five(Kind::kWithoutReplacement, 5, 2);
  ChoiceDistribution bernoulli(Kind::kBernoulli, 5);
  std::vector<double> first_counts(5), bernoulli_counts(5);
  const int n = 20000;
  for (int t = 0; t < n; ++t) {
    ++first_counts[categorical.sample(kLogits, rng)[0]];
    std::vector<int64_t> pair = two_of_five.sample(kLogits, rng);
    ASSERT_EQ(pair.size(), 2u);
    ASSERT_NE(pair[0], pair[1]);
    for (int64_t i : bernoulli.sample(kLogits, rng)) ++bernoulli_counts[i];
  }
  std::vector<double> p = categorical.probabilities(kLogits), q = bernoulli.probabilities(kLogits);
  for (int i = 0; i < 5; ++i) {
    EXPECT_NEAR(first_counts[i] / n, p[i], 0.015) << i;
    EXPECT_NEAR(bernoulli_counts[i] / n, q[i], 0.015) << i;
  }
  EXPECT_EQ(categorical.most_likely(kLogits), std::vector<int64_t>({3}));
  EXPECT_EQ(two_of_five.most_likely(kLogits), std::vector<int64_t>({3, 2}));
  EXPECT_EQ(bernoulli.most_likely(kLogits), std::vector<int64_t>({0, 2, 3}));
}

}  // namespace
}  // namespace nas
