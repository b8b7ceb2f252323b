#include "algorithms/spos/spos_mutator.h"

#include <algorithm>
#include <map>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/named_any.h>
#include <torch/nn/modules/linear.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "nas/core/layer_choice.h"
#include "nas/testing/mutator_conformance.h"
#include "nas/testing/status_matchers.h"
#include "nas/testing/tensor_matchers.h"
#include "nas/testing/toy_spaces.h"

namespace nas::spos {
namespace {

using ::nas::testing::StatusIs;
using ::nas::testing::TensorEq;
using ::testing::HasSubstr;

// A stand-in for FLOPs: the sum of the chosen layer-choice indices.
double IndexCost(const Decisions& decisions) {
  double cost = 0;
  for (const auto& [key, mask] : decisions) {
    if (mask.dim() == 1 && mask.scalar_type() == at::kBool && mask.sum().item<int64_t>() == 1 &&
        key.rfind("skip", 0) != 0) {
      cost += mask.to(at::kLong).argmax().item<int64_t>();
    }
  }
  return cost;
}

TEST(SposMutatorTest, UniformConformance) {
  testing::ExpectMutatorConformance([](std::shared_ptr<torch::nn::Module> model, uint64_t seed) {
    return std::make_unique<SposMutator>(model, SposSamplingOptions(), seed);
  });
}

TEST(SposMutatorTest, FlopsBinsConformance) {
  SposSamplingOptions options;
  options.sampling = "flops_bins";
  options.flops_min = 0;
  options.flops_max = 4;
  options.bins = 2;
  testing::ExpectMutatorConformance(
      [options](std::shared_ptr<torch::nn::Module> model, uint64_t seed) {
        return std::make_unique<SposMutator>(model, options, seed, &IndexCost);
      });
}

// 8 layer choices of 4 candidates: the cost (sum of indices) of a uniform
// path is binomial-like around 12; bins over [0, 24] are hit evenly by the
// authors' sampler, unlike uniform sampling which piles up in the middle.
struct Chain : torch::nn::Module {
  Chain() {
    for (int i = 0; i < 8; ++i) {
      std::vector<torch::nn::NamedAnyModule> ops;
      for (const char* name : {"a", "b", "c", "d"}) ops.emplace_back(name, torch::nn::Identity());
      choices.push_back(register_module("op" + std::to_string(i), nas::LayerChoice(ops)));
    }
  }
  std::vector<nas::LayerChoice> choices;
};

std::map<int, int> BinHistogram(const SposSamplingOptions& options, int paths, int64_t* fallbacks) {
  auto model = std::make_shared<Chain>();
  SposMutator mutator(model, options, 3, &IndexCost);
  std::map<int, int> histogram;
  for (int i = 0; i < paths; ++i) {
    double cost = IndexCost(mutator.sample_search());
    histogram[std::min(static_cast<int>(cost / 6), 3)]++;
  }
  *fallbacks = mutator.fallbacks();
  return histogram;
}

TEST(SposMutatorTest, FlopsBinsAreUniformOverBins) {
  SposSamplingOptions options;
  options.sampling = "flops_bins";
  options.flops_min = 0;
  options.flops_max = 24;
  options.bins = 4;
  options.max_tries = 2000;
  int64_t fallbacks = 0;
  std::map<int, int> bins = BinHistogram(options, 800, &fallbacks);
  EXPECT_EQ(fallbacks, 0);
  for (int b = 0; b < 4; ++b) EXPECT_NEAR(bins[b], 200, 50) << "bin " << b;
  options.sampling = "uniform";
  std::map<int, int> uniform = BinHistogram(options, 800, &fallbacks);
  EXPECT_LT(uniform[0] + uniform[3], 100);  // the tails are rare for uniform paths
}

TEST(SposMutatorTest, FallsBackAfterMaxTries) {
  SposSamplingOptions options;
  options.sampling = "flops_bins";
  options.flops_min = 100;  // unreachable: every path costs at most 24
  options.flops_max = 200;
  options.max_tries = 5;
  int64_t fallbacks = 0;
  BinHistogram(options, 10, &fallbacks);
  EXPECT_EQ(fallbacks, 10);
}

// `to` resumes from `from`'s checkpointed state (through the bytes a
// checkpoint holds).
void CopyState(const SposMutator& from, SposMutator& to) {
  torch::serialize::OutputArchive archive;
  from.save(archive);
  std::stringstream buffer;
  archive.save_to(buffer);
  torch::serialize::InputArchive in;
  in.load_from(buffer);
  to.load(in);
}

TEST(SposMutatorTest, StrictFairConformance) {
  SposSamplingOptions options;
  options.sampling = "strict_fair";
  testing::ExpectMutatorConformance(
      [options](std::shared_ptr<torch::nn::Module> model, uint64_t seed) {
        return std::make_unique<SposMutator>(model, options, seed);
      });
}

int64_t Index(const at::Tensor& mask) { return mask.to(at::kLong).argmax().item<int64_t>(); }

// Layer choices of 4, 4 and 3 candidates ("a".."d").
struct Uneven : torch::nn::Module {
  Uneven() {
    for (int i = 0; i < 3; ++i) {
      std::vector<torch::nn::NamedAnyModule> ops;
      for (const char* name : {"a", "b", "c", "d"}) {
        if (i < 2 || std::string(name) != "d") ops.emplace_back(name, torch::nn::Identity());
      }
      choices.push_back(register_module("op" + std::to_string(i), nas::LayerChoice(ops)));
    }
  }
  std::vector<nas::LayerChoice> choices;
};

TEST(SposMutatorTest, StrictFairGroupsCoverEveryCandidateOnce) {
  SposSamplingOptions options;
  options.sampling = "strict_fair";
  auto model = std::make_shared<Chain>();
  SposMutator mutator(model, options, 4);
  ASSERT_EQ(mutator.paths_per_step(), 4);
  std::map<std::string, std::vector<int64_t>> first_group;
  for (int group = 0; group < 25; ++group) {
    std::map<std::string, std::vector<int>> counts;
    for (int i = 0; i < 4; ++i) {
      for (const auto& [key, mask] : mutator.sample_search()) {
        ASSERT_EQ(mask.sum().item<int64_t>(), 1) << key;
        counts[key].resize(4);
        counts[key][Index(mask)]++;
        if (group == 0) first_group[key].push_back(Index(mask));
      }
    }
    ASSERT_EQ(counts.size(), 8u);
    for (const auto& [key, c] : counts) {
      EXPECT_EQ(c, std::vector<int>(4, 1)) << key << " in group " << group;
    }
  }
  // The orders are random, and differ between choices.
  int identity_orders = 0;
  for (const auto& [key, order] : first_group) {
    identity_orders += order == std::vector<int64_t>{0, 1, 2, 3};
  }
  EXPECT_LT(identity_orders, 8);
}

TEST(SposMutatorTest, StrictFairSmallerChoicesAreAsFairAsTheyCanBe) {
  SposSamplingOptions options;
  options.sampling = "strict_fair";
  auto model = std::make_shared<Uneven>();
  SposMutator mutator(model, options, 9);
  ASSERT_EQ(mutator.paths_per_step(), 4);
  for (int group = 0; group < 10; ++group) {
    std::vector<int> counts(3);
    for (int i = 0; i < 4; ++i) counts[Index(mutator.sample_search().at("op2"))]++;
    std::sort(counts.begin(), counts.end());
    EXPECT_EQ(counts, (std::vector<int>{1, 1, 2})) << "group " << group;
  }
}

TEST(SposMutatorTest, FixedChoicesAreOnEveryPath) {
  for (const char* sampling : {"uniform", "strict_fair"}) {
    SCOPED_TRACE(sampling);
    SposSamplingOptions options;
    options.sampling = sampling;
    options.fixed = {{"op0", "c"}, {"op1", "d"}};
    auto model = std::make_shared<Uneven>();
    SposMutator mutator(model, options, 2);
    // Strict fairness is over the choices left free: op2 (3 candidates).
    EXPECT_EQ(mutator.paths_per_step(), std::string(sampling) == "strict_fair" ? 3 : 1);
    std::set<int64_t> free;
    for (int i = 0; i < 30; ++i) {
      Decisions d = mutator.sample_search();
      EXPECT_EQ(Index(d.at("op0")), 2);
      EXPECT_EQ(Index(d.at("op1")), 3);
      free.insert(Index(d.at("op2")));
    }
    EXPECT_EQ(free.size(), 3u);
  }
}

TEST(SposMutatorTest, StrictFairResumesInsideAGroup) {
  SposSamplingOptions options;
  options.sampling = "strict_fair";
  auto model = std::make_shared<Chain>();
  SposMutator a(model, options, 13);
  a.sample_search();
  a.sample_search();  // two of the group's four paths handed out
  auto other = std::make_shared<Chain>();
  SposMutator b(other, options, 99);
  CopyState(a, b);
  for (int i = 0; i < 6; ++i) {  // the group's last two, then a new group
    Decisions da = a.sample_search(), db = b.sample_search();
    for (const auto& [key, mask] : da) EXPECT_THAT(db.at(key), TensorEq(mask)) << key << " " << i;
  }
}

TEST(SposMutatorTest, ResumesTheSameSequence) {
  auto model = std::make_shared<Chain>();
  SposMutator a(model, SposSamplingOptions(), 11);
  a.sample_search();
  auto other = std::make_shared<Chain>();
  SposMutator b(other, SposSamplingOptions(), 99);
  CopyState(a, b);
  EXPECT_EQ(b.paths(), 1);
  Decisions da = a.sample_search(), db = b.sample_search();
  for (const auto& [key, mask] : da) EXPECT_THAT(db.at(key), TensorEq(mask)) << key;
}

TEST(SposMutatorTest, RejectsBadOptions) {
  auto parse = [](const Json& j) {
    SposSamplingOptions o;
    return SposSamplingOptionsFromJson(j, "sampling", &o);
  };
  auto invalid = [](const std::string& message) {
    return StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(message));
  };
  EXPECT_THAT(parse({{"sampling", "flops"}}),
              invalid("'flops' is not one of uniform, flops_bins, strict_fair"));
  EXPECT_THAT(parse({{"fixed", "op0"}}), invalid("sampling.fixed: expected an object"));
  EXPECT_THAT(parse({{"fixed", {{"op0", 1}}}}),
              invalid("sampling.fixed.op0: expected a candidate"));
  SposSamplingOptions parsed;
  ASSERT_TRUE(SposSamplingOptionsFromJson({{"sampling", "strict_fair"}, {"fixed", {{"op0", "a"}}}},
                                          "sampling", &parsed)
                  .ok());
  EXPECT_EQ(parsed.sampling, "strict_fair");
  EXPECT_EQ(parsed.fixed.at("op0"), "a");
  EXPECT_EQ(SposSamplingOptionsToJson(parsed)["fixed"], (Json{{"op0", "a"}}));
  EXPECT_THAT(parse({{"bins", 0}}), invalid("bins must be >= 1"));
  EXPECT_THAT(parse({{"flops_max", 1}}), invalid("need 0 <= flops_min < flops_max"));
  EXPECT_THAT(parse({{"tries", 1}}), invalid("unknown member sampling.tries"));
  SposSamplingOptions bins;
  bins.sampling = "flops_bins";
  auto model = std::make_shared<Chain>();
  EXPECT_THROW(SposMutator(model, bins, 0), c10::Error);  // no cost function
  auto throws = [&](const SposSamplingOptions& o, const std::string& message) {
    try {
      SposMutator(model, o, 0);
      ADD_FAILURE() << "no error for " << message;
    } catch (const c10::Error& e) {
      EXPECT_THAT(e.what_without_backtrace(), HasSubstr(message));
    }
  };
  SposSamplingOptions unknown_key;
  unknown_key.fixed = {{"op9", "a"}};
  throws(unknown_key, "sampling.fixed: 'op9' is not a layer choice of the model");
  SposSamplingOptions unknown_candidate;
  unknown_candidate.fixed = {{"op1", "z"}};
  throws(unknown_candidate, "sampling.fixed.op1: 'z' is not one of its candidates");
}

}  // namespace
}  // namespace nas::spos
