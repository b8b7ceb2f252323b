// The ENAS configuration: presets, strict members with paths, round trip,
// the shared data and retraining sections, :trial's defaults.
#include "algorithms/enas/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/testing/status_matchers.h"

namespace nas::enas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

TEST(EnasConfigTest, PresetsRoundTrip) {
  for (const char* name : {"fashion_mnist", "fashion_mnist_micro", "paper", "paper_micro"}) {
    auto preset = EnasPreset(name);
    ASSERT_TRUE(preset.ok()) << preset.status();
    auto back = EnasConfigFromJson(EnasConfigToJson(*preset), "$");
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(EnasConfigToJson(*back), EnasConfigToJson(*preset)) << name;
    // ENAS's recipe in every preset: rewards on batches of 128, retraining
    // with SGD + momentum, cosine per epoch, gradient clip 5.
    EXPECT_EQ(preset->data.valid_batch_size, 128) << name;
    EXPECT_EQ(preset->retrain.optimizer.grad_clip, 5) << name;
    EXPECT_EQ(preset->retrain.optimizer.schedule, "cosine") << name;
    EXPECT_EQ(preset->retrain.optimizer.momentum, 0.9) << name;
  }
  EXPECT_EQ(EnasPreset("paper")->search.enas.controller_steps, 50);
  EXPECT_EQ(EnasPreset("paper_micro")->search.enas.aggregate, 10);
  EXPECT_EQ(EnasPreset("paper_micro")->space, "enas_micro");
  EXPECT_EQ(EnasPreset("paper_micro")->retrain.optimizer.min_lr, 0.0005);
  EXPECT_EQ(EnasPreset("fashion_mnist")->data.train_examples, 9600);
}

TEST(EnasConfigTest, OverridesAndErrorsNameTheirPath) {
  auto c = EnasConfigFromJson(
      Json::parse(R"({"space_options": {"layers": 4}, "search": {"export_samples": 7}})"),
      "c.json: $");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->space_options["layers"], 4);
  EXPECT_EQ(c->space_options["preset"], "fashion_mnist");  // kept from the preset
  EXPECT_EQ(c->search.export_samples, 7);
  auto unknown = EnasConfigFromJson(
      Json::parse(R"({"search": {"enas": {"mutator": {"lstm": 3}}}})"), "c.json: $");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(std::string(unknown.status().message()).find("c.json: $.search.enas.mutator"),
            std::string::npos)
      << unknown.status();
  auto preset = EnasConfigFromJson(Json::parse(R"({"preset": "huge"})"), "c.json: $");
  ASSERT_FALSE(preset.ok());
  EXPECT_NE(std::string(preset.status().message()).find("unknown ENAS preset 'huge'"),
            std::string::npos);
  auto range = EnasConfigFromJson(Json::parse(R"({"data": {"train_fraction": 1}})"), "c.json: $");
  ASSERT_FALSE(range.ok());
  EXPECT_NE(std::string(range.status().message()).find("c.json: $.data.train_fraction"),
            std::string::npos);
  auto type = EnasConfigFromJson(Json::parse(R"([1, 2])"), "c.json: $");
  ASSERT_FALSE(type.ok());
}

TEST(EnasConfigTest, SpaceOptionsWithAPresetReplaceThePresets) {
  auto c = EnasConfigFromJson(Json::parse(R"({"space_options": {"preset": "paper", "layers": 3}})"),
                              "$");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->space_options, Json::parse(R"({"preset": "paper", "layers": 3})"));
  EXPECT_THAT(EnasConfigFromJson(Json::parse(R"({"space_options": [1]})"), "c.json: $"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("c.json: $.space_options: expected an object")));
}

TEST(EnasConfigTest, DataIsTheSharedSection) {
  auto c =
      EnasConfigFromJson(Json::parse(R"({"data": {"valid_batch_size": 32, "valid_examples": 500,
                               "eval_batch_size": 128}})"),
                         "$");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->data.valid_batch_size, 32);
  EXPECT_EQ(c->data.valid_examples, 500);
  EXPECT_EQ(c->data.eval_batch_size, 128);
  EXPECT_EQ(c->data.train_examples, 9600);  // the preset's, untouched
  EXPECT_THAT(EnasConfigFromJson(Json::parse(R"({"data": {"valid_batch_size": -1}})"), "c.json: $"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("c.json: $.data.valid_batch_size must be >= 0")));
  EXPECT_THAT(EnasConfigFromJson(Json::parse(R"({"data": {"batch": 3}})"), "c.json: $"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("c.json: $.data.batch")));
}

TEST(EnasConfigTest, SearchSectionIsValidated) {
  EXPECT_THAT(EnasConfigFromJson(Json::parse(R"({"search": {"random_samples": -1}})"), "c.json: $"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("c.json: $.search.random_samples must be >= 0")));
  EXPECT_THAT(EnasConfigFromJson(Json::parse(R"({"search": {"trainer": {"epochs": 0}}})"), "$"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("$.search.trainer.epochs must be >= 1")));
}

TEST(EnasConfigTest, RetrainKeepsItsMemberNames) {
  auto c = EnasConfigFromJson(
      Json::parse(R"({"retrain": {"lr": 0.1, "min_lr": 0.01, "momentum": 0.8, "weight_decay": 5e-4,
                                  "trainer": {"epochs": 3}}})"),
      "$");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->retrain.optimizer.lr, 0.1);
  EXPECT_EQ(c->retrain.optimizer.min_lr, 0.01);
  EXPECT_EQ(c->retrain.optimizer.momentum, 0.8);
  EXPECT_EQ(c->retrain.optimizer.weight_decay, 5e-4);
  EXPECT_EQ(c->retrain.optimizer.grad_clip, 5);  // the preset's
  EXPECT_EQ(c->retrain.trainer.epochs, 3);
  EXPECT_THAT(EnasConfigFromJson(Json::parse(R"({"retrain": {"min_lr": 1}})"), "c.json: $"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("c.json: $.retrain.min_lr must be in [0, lr]")));
  EXPECT_THAT(
      EnasConfigFromJson(Json::parse(R"({"retrain": {"learning_rate": 1}})"), "c.json: $"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("c.json: $.retrain.learning_rate")));
}

TEST(EnasConfigTest, TrialDefaults) {
  TrialJobOptions o = EnasTrialOptions();
  EXPECT_EQ(o.space, "enas_macro");
  EXPECT_EQ(o.space_options, Json::parse(R"({"preset": "fashion_mnist"})"));
  EXPECT_EQ(o.steps, 200);
  EXPECT_EQ(o.evaluations, 2);
  EXPECT_EQ(o.optimizer.grad_clip, 5);
  EXPECT_EQ(o.data.valid_examples, 2000);  // the shared trial job's
  TrialJobOptions back = EnasTrialOptions();
  ASSERT_TRUE(TrialJobOptionsFromJson(TrialJobOptionsToJson(o), "$", &back).ok());
  EXPECT_EQ(TrialJobOptionsToJson(back), TrialJobOptionsToJson(o));
}

}  // namespace
}  // namespace nas::enas
