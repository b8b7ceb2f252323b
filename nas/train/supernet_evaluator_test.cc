// SupernetEvaluator: a candidate's score does not depend on what was scored
// before it, BN statistics are re-estimated for it, and bad input is a
// clear error.
#include "nas/train/supernet_evaluator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/utils.h>

#include "datasets/loader.h"
#include "datasets/split.h"
#include "datasets/synthetic.h"
#include "nas/core/mutable_tree.h"
#include "nas/testing/job_fixtures.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

struct Fixture {
  Fixture() {
    torch::manual_seed(0);
    supernet = *(*SpaceRegistry().Lookup(testing::kTestingSpace))(Json::object());
    mutator = std::make_unique<testing::UniformTestMutator>(supernet.model, 0);
    datasets::DatasetOptions options;
    options.synthetic_size = 256;
    auto split = datasets::SplitTrainValid(*datasets::MakeSynthetic(options), 0.5, 0);
    train = std::make_unique<datasets::DataLoader>(
        split->train, datasets::LoaderOptions().batch_size(32).workers(0));
    valid = std::make_unique<datasets::DataLoader>(
        split->valid, datasets::LoaderOptions().batch_size(64).shuffle(false).workers(0));
  }
  Architecture Arch(const char* op0, const char* op1) {
    return *Architecture::from_json(
        Json{{"op0", op0}, {"op1", op1}, {"skip1", Json::array({"op0"})}});
  }
  BuiltSpace supernet;
  std::unique_ptr<testing::UniformTestMutator> mutator;
  std::unique_ptr<datasets::DataLoader> train, valid;
};

TEST(SupernetEvaluatorTest, ScoresDoNotDependOnTheOrder) {
  Fixture f;
  SupernetEvaluationOptions o;
  o.recalibration_batches = 2;
  SupernetEvaluator evaluator(f.supernet, f.mutator.get(), f.train.get(), f.valid.get(), o);
  absl::StatusOr<CandidateScore> a1 = evaluator.evaluate(f.Arch("conv3x3", "identity"));
  absl::StatusOr<CandidateScore> b = evaluator.evaluate(f.Arch("maxpool3x3", "conv3x3"));
  absl::StatusOr<CandidateScore> a2 = evaluator.evaluate(f.Arch("conv3x3", "identity"));
  ASSERT_OK(a1);
  ASSERT_OK(b);
  ASSERT_OK(a2);
  EXPECT_EQ(a1->accuracy, a2->accuracy);
  EXPECT_EQ(a1->loss, a2->loss);
  EXPECT_NE(a1->loss, b->loss);
  EXPECT_EQ(a1->examples, 128);
  EXPECT_TRUE(f.supernet.model->is_training());  // the mode is restored
}

TEST(SupernetEvaluatorTest, RecalibrationReplacesTheBatchNormStatistics) {
  Fixture f;
  auto bn = f.supernet.model->named_buffers()["bn.running_mean"];
  bn.fill_(123.0);
  SupernetEvaluationOptions keep;
  keep.recalibration_batches = 0;
  SupernetEvaluator keeping(f.supernet, f.mutator.get(), f.train.get(), f.valid.get(), keep);
  ASSERT_OK(keeping.evaluate(f.Arch("identity", "identity")));
  EXPECT_EQ(bn[0].item<float>(), 123.0f);
  SupernetEvaluationOptions recalibrate;
  recalibrate.recalibration_batches = 2;
  SupernetEvaluator recalibrating(f.supernet, f.mutator.get(), f.train.get(), f.valid.get(),
                                  recalibrate);
  ASSERT_OK(recalibrating.evaluate(f.Arch("identity", "identity")));
  EXPECT_LT(std::abs(bn[0].item<float>()), 10.0f);
}

TEST(SupernetEvaluatorTest, BadInput) {
  Fixture f;
  SupernetEvaluator evaluator(f.supernet, f.mutator.get(), f.train.get(), f.valid.get(), {});
  EXPECT_THAT(evaluator.evaluate(f.Arch("conv7x7", "identity")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("conv7x7")));
  SupernetEvaluationOptions o;
  EXPECT_THAT(
      SupernetEvaluationOptionsFromJson(Json::parse(R"({"eval_batches": -1})"), "$.e", &o),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("$.e.eval_batches must be >= 0")));
  EXPECT_THAT(
      SupernetEvaluationOptionsFromJson(Json::parse(R"({"batches": 1})"), "$.e", &o),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown member $.e.batches")));
}

}  // namespace
}  // namespace nas
