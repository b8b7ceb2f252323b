// DARTS-PT's selection through its public interface: a masked score leaves
// the supernet exactly as it was and equals scoring the masked mixture by
// hand; the projection keeps, edge by edge, the candidate whose removal
// hurts most, fine-tunes the weights only, and its projections
// survive a checkpoint; bad options and keys are clear errors.
#include "algorithms/darts/perturbation.h"

#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include "datasets/loader.h"
#include "datasets/synthetic.h"
#include "nas/core/space_registry.h"
#include "nas/testing/job_fixtures.h"
#include "nas/testing/status_matchers.h"
#include "nas/train/classifier_evaluation.h"

namespace nas::darts {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

BuiltSpace TestingCnn() {
  torch::manual_seed(0);
  return *(*SpaceRegistry().Lookup(testing::kTestingSpace))(Json{{"channels", 4}});
}

std::unique_ptr<datasets::DataLoader> Loader(bool shuffle) {
  datasets::DatasetOptions options;
  options.synthetic_size = 96;
  static const datasets::ImageDataset data = *datasets::MakeSynthetic(options);
  return std::make_unique<datasets::DataLoader>(
      data, datasets::LoaderOptions().batch_size(16).shuffle(shuffle).workers(0));
}

std::vector<at::Tensor> State(const BuiltSpace& space) {
  std::vector<at::Tensor> state;
  for (const at::Tensor& p : space.model->parameters()) state.push_back(p.detach().clone());
  for (const at::Tensor& b : space.model->buffers()) state.push_back(b.clone());
  return state;
}

bool SameState(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!torch::equal(a[i], b[i])) return false;
  }
  return true;
}

PerturbationOptions Options() {
  PerturbationOptions o;
  o.tune_steps = 0;
  o.eval_batches = 3;
  return o;
}

TEST(PerturbationTest, AMaskedScoreRestoresTheSupernetExactlyAndMasksOneCandidate) {
  BuiltSpace space = TestingCnn();
  DartsMutator mutator(space.model, /*seed=*/1, /*init_scale=*/1.0);
  mutator.reset();
  auto valid = Loader(false);
  const std::vector<at::Tensor> before = State(space);
  const Decisions decisions = mutator.decisions();
  space.model->eval();

  for (bool batch_statistics : {true, false}) {
    PerturbationOptions o = Options();
    o.batch_statistics = batch_statistics;
    std::vector<double> scores;
    for (int64_t index = -1; index < 3; ++index) {
      absl::StatusOr<double> score = MaskedSupernetScore(space, mutator, *valid, o, "op0", index);
      ASSERT_TRUE(score.ok()) << score.status().message();
      scores.push_back(*score);
      EXPECT_TRUE(SameState(before, State(space))) << "index " << index;
      EXPECT_FALSE(space.model->is_training());
      for (const auto& [key, mask] : decisions) {
        EXPECT_TRUE(torch::equal(mutator.decisions().at(key), mask)) << key;
      }
    }
    // By hand: candidate 1 of op0 weighted 0, the rest softmax(alpha).
    Decisions masked = mutator.decisions();
    for (auto& [key, mask] : masked) mask = mask.detach().clone();
    masked["op0"][1] = 0;
    mutator.set_decisions(masked);
    space.model->train(batch_statistics);
    ClassifierScore by_hand = EvaluateClassifier(space.forward, *valid, 3);
    space.model->eval();
    {
      torch::NoGradGuard no_grad;
      std::vector<at::Tensor> buffers = space.model->buffers();
      for (size_t i = 0; i < buffers.size(); ++i)
        buffers[i].copy_(before[space.model->parameters().size() + i]);
    }
    mutator.set_decisions(decisions);
    EXPECT_DOUBLE_EQ(scores[2], by_hand.accuracy);
    o.criterion = "loss";
    EXPECT_DOUBLE_EQ(*MaskedSupernetScore(space, mutator, *valid, o, "op0", 1), by_hand.loss);
    EXPECT_NE(*MaskedSupernetScore(space, mutator, *valid, o, "op0", 0),
              *MaskedSupernetScore(space, mutator, *valid, o, "op0", -1));
  }

  EXPECT_THAT(
      MaskedSupernetScore(space, mutator, *valid, Options(), "skip1", 0),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'skip1' is not a layer choice")));
  EXPECT_THAT(MaskedSupernetScore(space, mutator, *valid, Options(), "op0", 3),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("out of range")));
}

TEST(PerturbationTest, ProjectionKeepsTheCandidateWhoseRemovalHurtsMost) {
  BuiltSpace space = TestingCnn();
  DartsMutator mutator(space.model, 1, 1.0);
  mutator.reset();
  auto train = Loader(true), valid = Loader(false);
  const std::vector<at::Tensor> before = State(space);
  absl::StatusOr<std::vector<EdgeDecision>> decisions =
      ProjectByPerturbation(space, mutator, *train, *valid, Options());
  ASSERT_TRUE(decisions.ok()) << decisions.status().message();
  ASSERT_EQ(decisions->size(), 2u);
  EXPECT_TRUE(SameState(before, State(space)));  // tune_steps 0: no weight moved
  const Architecture exported = mutator.export_architecture();
  for (const EdgeDecision& d : *decisions) {
    SCOPED_TRACE(d.key);
    ASSERT_EQ(d.masked.size(), 3u);
    const int64_t lowest = std::min_element(d.masked.begin(), d.masked.end()) - d.masked.begin();
    const std::vector<std::string> names = {"conv3x3", "maxpool3x3", "identity"};
    EXPECT_EQ(d.chosen, names[lowest]);
    EXPECT_EQ(mutator.projected().at(d.key), lowest);
    EXPECT_EQ(exported.values().at(d.key), d.chosen);
    EXPECT_EQ(d.to_json()["chosen"], d.chosen);
  }
  // The projected keys run one-hot in the search too.
  mutator.reset();
  for (const auto& [key, index] : mutator.projected()) {
    at::Tensor expected = at::zeros({3});
    expected[index] = 1;
    EXPECT_TRUE(torch::equal(mutator.decisions().at(key), expected)) << key;
  }
  // Projecting again decides nothing new.
  absl::StatusOr<std::vector<EdgeDecision>> again =
      ProjectByPerturbation(space, mutator, *train, *valid, Options());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
}

TEST(PerturbationTest, FineTuningTrainsTheWeightsOnly) {
  BuiltSpace space = TestingCnn();
  DartsMutator mutator(space.model, 1, 1.0);
  mutator.reset();
  auto train = Loader(true), valid = Loader(false);
  const std::vector<at::Tensor> alphas_before = {mutator.parameters()[0].detach().clone(),
                                                 mutator.parameters()[1].detach().clone()};
  const std::vector<at::Tensor> before = State(space);
  PerturbationOptions o = Options();
  o.tune_steps = 3;
  ASSERT_TRUE(ProjectByPerturbation(space, mutator, *train, *valid, o).ok());
  EXPECT_FALSE(SameState(before, State(space)));
  // Only the weights train: the alphas are untouched and have no gradient.
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(torch::equal(mutator.parameters()[i], alphas_before[i]));
    EXPECT_FALSE(mutator.parameters()[i].grad().defined());
  }
  for (const at::Tensor& p : space.model->parameters()) EXPECT_FALSE(p.grad().defined());
}

TEST(PerturbationTest, ProjectionsSurviveACheckpoint) {
  BuiltSpace space = TestingCnn();
  DartsMutator mutator(space.model, 1, 1.0);
  mutator.project("op1", 2);
  torch::serialize::OutputArchive archive;
  mutator.save(archive);
  std::stringstream buffer;
  archive.save_to(buffer);
  BuiltSpace other = TestingCnn();
  DartsMutator restored(other.model, 5, 1.0);
  torch::serialize::InputArchive in;
  in.load_from(buffer);
  restored.load(in);
  EXPECT_EQ(restored.projected(), (std::map<std::string, int64_t>{{"op1", 2}}));
  EXPECT_EQ(restored.export_architecture().values().at("op1"), "identity");
  EXPECT_THROW(mutator.project("skip1", 0), c10::Error);
  EXPECT_THROW(mutator.project("op0", 3), c10::Error);
}

TEST(PerturbationTest, BadOptions) {
  auto parse = [](const Json& j) {
    PerturbationOptions o;
    return PerturbationOptionsFromJson(j, "perturbation", &o);
  };
  auto invalid = [](const std::string& message) {
    return StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(message));
  };
  EXPECT_THAT(parse({{"criterion", "acc"}}),
              invalid("perturbation.criterion: 'acc' is not one of accuracy, loss"));
  EXPECT_THAT(parse({{"tune_lr", 0}}), invalid("perturbation.tune_lr must be > 0"));
  EXPECT_THAT(parse({{"tune_steps", -2}}), invalid("tune_steps must be >= -1"));
  // -1 is resolved by the caller, not run.
  BuiltSpace space = TestingCnn();
  DartsMutator mutator(space.model, 1, 1.0);
  auto train = Loader(true), valid = Loader(false);
  PerturbationOptions unresolved;
  EXPECT_THAT(ProjectByPerturbation(space, mutator, *train, *valid, unresolved),
              invalid("resolve it with DefaultTuneSteps"));
  EXPECT_EQ(DefaultTuneSteps(100, mutator.search_space()), 25);  // 2 keys: one gap
  EXPECT_EQ(DefaultTuneSteps(3, mutator.search_space()), 0);
  EXPECT_THAT(parse({{"steps", 1}}), invalid("perturbation.steps"));
  PerturbationOptions round_trip;
  round_trip.criterion = "loss";
  round_trip.tune_steps = 7;
  PerturbationOptions parsed;
  ASSERT_TRUE(
      PerturbationOptionsFromJson(PerturbationOptionsToJson(round_trip), "p", &parsed).ok());
  EXPECT_EQ(PerturbationOptionsToJson(parsed), PerturbationOptionsToJson(round_trip));
}

}  // namespace
}  // namespace nas::darts
