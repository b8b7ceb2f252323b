// ClassifierTrainer through its public interface: it learns a fixed network
// on the synthetic dataset, each schedule sets the rates it documents, the
// no-decay groups hold what weight_decay.h says, and options are validated.
#include "nas/train/classifier_trainer.h"

#include <cmath>
#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/utils.h>

#include "datasets/loader.h"
#include "datasets/split.h"
#include "datasets/synthetic.h"
#include "nas/base/file.h"
#include "nas/base/json_lines.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

BuiltSpace SmallNet() {
  torch::nn::Sequential net(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 8, 3).stride(2)),
                            torch::nn::BatchNorm2d(8), torch::nn::ReLU(),
                            torch::nn::AdaptiveAvgPool2d(torch::nn::AdaptiveAvgPool2dOptions(1)),
                            torch::nn::Flatten(), torch::nn::Linear(8, 10));
  BuiltSpace built;
  built.model = net.ptr();
  built.forward = [net](const at::Tensor& x) mutable { return net->forward(x); };
  built.input_shape = {1, 28, 28};
  built.classes = 10;
  return built;
}

struct Data {
  Data() {
    datasets::DatasetOptions options;
    options.synthetic_size = 512;
    auto split = datasets::SplitTrainValid(*datasets::MakeSynthetic(options), 0.75, 0);
    train = std::make_unique<datasets::DataLoader>(
        split->train, datasets::LoaderOptions().batch_size(32).workers(0));
    valid = std::make_unique<datasets::DataLoader>(
        split->valid, datasets::LoaderOptions().batch_size(64).shuffle(false).workers(0));
  }
  std::unique_ptr<datasets::DataLoader> train, valid;
};

TEST(ClassifierTrainerTest, LearnsTheSyntheticTask) {
  torch::manual_seed(0);
  Data data;
  TrainerOptions t;
  t.epochs = 3;
  t.progress = false;
  ClassifierTrainerOptions o;
  o.lr = 0.1;
  ClassifierTrainer trainer(t, o, SmallNet(), data.train.get(), data.valid.get());
  ASSERT_OK(trainer.fit());
  EXPECT_GT(trainer.last_validation().at("accuracy"), 0.3);  // chance: 0.1
  EXPECT_TRUE(trainer.last_validation().count("loss"));
}

TEST(ClassifierTrainerTest, SchedulesReachTheirDocumentedRates) {
  Data data;
  const int64_t per_epoch = data.train->batches_per_epoch();
  for (const std::string schedule : {"cosine", "cosine_steps", "linear_steps", "constant"}) {
    SCOPED_TRACE(schedule);
    TrainerOptions t;
    t.epochs = 2;
    t.progress = false;
    t.log_every = 1;
    t.output_dir = JoinPath(std::getenv("TEST_TMPDIR"), "schedule_" + schedule);
    ClassifierTrainerOptions o;
    o.lr = 0.1;
    o.min_lr = schedule == "linear_steps" ? 0 : 0.01;
    o.schedule = schedule;
    ClassifierTrainer trainer(t, o, SmallNet(), data.train.get(), nullptr);
    ASSERT_OK(trainer.fit());
    // The learning rate of each logged step, from metrics.jsonl.
    std::vector<double> lr;
    absl::StatusOr<std::vector<Json>> lines =
        ReadJsonLines(JoinPath(t.output_dir, "metrics.jsonl"), false);
    ASSERT_OK(lines);
    for (const Json& line : *lines) {
      if (line.value("split", "") == "train") lr.push_back(line["lr"].get<double>());
    }
    ASSERT_EQ(static_cast<int64_t>(lr.size()), 2 * per_epoch);
    EXPECT_DOUBLE_EQ(lr.front(), 0.1);
    if (schedule == "cosine") {
      EXPECT_DOUBLE_EQ(lr[per_epoch - 1], 0.1);  // per epoch
      EXPECT_NEAR(lr[per_epoch], 0.055, 1e-12);
    } else if (schedule == "cosine_steps") {
      EXPECT_LT(lr[1], 0.1);  // per step
      EXPECT_NEAR(lr[per_epoch], 0.055, 1e-12);
    } else if (schedule == "linear_steps") {
      EXPECT_NEAR(lr[per_epoch], 0.05, 1e-12);
      EXPECT_NEAR(lr.back(), 0.1 / (2 * per_epoch), 1e-12);
    } else {
      EXPECT_DOUBLE_EQ(lr.back(), 0.1);
    }
  }
}

TEST(ClassifierTrainerTest, DecayConvOnlyLeavesBatchNormAndBiasesUndecayed) {
  Data data;
  TrainerOptions t;
  t.epochs = 1;
  t.max_steps = 3;
  t.progress = false;
  ClassifierTrainerOptions o;
  o.lr = 1e-3;  // weight decay dominates the update: w -= 1e-3 * (g + 100 w)
  o.momentum = 0;
  o.weight_decay = 100;
  o.decay_conv_only = true;
  BuiltSpace net = SmallNet();
  auto named = net.model->named_parameters();
  at::Tensor bn_weight = named["1.weight"].detach().clone();
  at::Tensor conv_weight = named["0.weight"].detach().clone();
  ClassifierTrainer trainer(t, o, net, data.train.get(), nullptr);
  ASSERT_OK(trainer.fit());
  // BN's weight (1 at the start) moves only by lr * gradient: decayed, it
  // would lose 10% a step. The conv weight shrinks by about 10% a step.
  EXPECT_LT((named["1.weight"] - bn_weight).abs().max().item<double>(), 0.01);
  EXPECT_LT(named["0.weight"].abs().sum().item<double>(),
            conv_weight.abs().sum().item<double>() * 0.85);
}

TEST(ClassifierTrainerTest, OptionsAreValidatedAndRoundTrip) {
  ClassifierTrainerOptions o;
  o.schedule = "linear_steps";
  o.label_smoothing = 0.1;
  ClassifierTrainerOptions back;
  ASSERT_OK(ClassifierTrainerOptionsFromJson(ClassifierTrainerOptionsToJson(o), "$.r", &back));
  EXPECT_EQ(ClassifierTrainerOptionsToJson(back), ClassifierTrainerOptionsToJson(o));
  auto error = [](const char* json) {
    ClassifierTrainerOptions out;
    return ClassifierTrainerOptionsFromJson(Json::parse(json), "$.retrain", &out);
  };
  EXPECT_THAT(error(R"({"lr": 0})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("$.retrain.lr must be")));
  EXPECT_THAT(error(R"({"lr": 0.1, "min_lr": 0.2})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("min_lr")));
  EXPECT_THAT(error(R"({"schedule": "step"})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cosine, cosine_steps, linear_steps or constant")));
  EXPECT_THAT(
      error(R"({"label_smoothing": 1})"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("label_smoothing must be in [0, 1)")));
  EXPECT_THAT(error(R"({"nesterov": true, "momentum": 0})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("with nesterov")));
  EXPECT_THAT(error(R"({"lr_max": 1})"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                  HasSubstr("unknown member $.retrain.lr_max")));
}

}  // namespace
}  // namespace nas
