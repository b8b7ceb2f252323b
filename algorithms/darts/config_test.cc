// The DARTS configuration: presets (their data layout on nas::DataOptions),
// round trip, strict members with their JSON paths.
#include "algorithms/darts/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/testing/status_matchers.h"

namespace nas::darts {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

TEST(DartsConfigTest, PresetsRoundTrip) {
  for (const char* name : {"fashion_mnist", "paper"}) {
    absl::StatusOr<DartsConfig> preset = DartsPreset(name);
    ASSERT_TRUE(preset.ok()) << preset.status();
    absl::StatusOr<DartsConfig> back = DartsConfigFromJson(DartsConfigToJson(*preset), "$");
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(DartsConfigToJson(*back), DartsConfigToJson(*preset)) << name;
    // The search's weights and architecture halves.
    EXPECT_EQ(preset->data.train_fraction, 0.5) << name;
  }
  DartsConfig fashion = *DartsPreset("fashion_mnist");
  EXPECT_EQ(fashion.data.dataset, "fashion_mnist");
  EXPECT_EQ(fashion.data.train_examples, 2000);
  EXPECT_EQ(fashion.data.valid_examples, 2000);
  EXPECT_EQ(fashion.search.trainer.epochs, 2);
  DartsConfig paper = *DartsPreset("paper");
  EXPECT_EQ(paper.data.dataset, "cifar10");
  EXPECT_EQ(paper.data.train_examples, 0);
  EXPECT_EQ(paper.data.valid_examples, 0);
  EXPECT_EQ(paper.retrain.trainer.epochs, 600);
  EXPECT_THAT(DartsPreset("imagenet").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("unknown DARTS preset 'imagenet'")));
}

TEST(DartsConfigTest, MembersOverrideThePreset) {
  absl::StatusOr<DartsConfig> c = DartsConfigFromJson(
      Json::parse(R"({"preset": "paper", "data": {"valid_examples": 500, "batch_size": 32},
                      "search": {"network": {"channels": 8}, "darts": {"unrolled": true}},
                      "retrain": {"cutout": 0}, "seed": 3})"),
      "c.json: $");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->preset, "paper");
  EXPECT_EQ(c->data.dataset, "cifar10");
  EXPECT_EQ(c->data.valid_examples, 500);
  EXPECT_EQ(c->data.batch_size, 32);
  EXPECT_EQ(c->search.network.channels, 8);
  EXPECT_EQ(c->search.network.layers, 8);  // search_cifar10's
  EXPECT_TRUE(c->search.darts.unrolled);
  EXPECT_EQ(c->retrain.cutout, 0);
  EXPECT_EQ(c->seed, 3u);
}

TEST(DartsConfigTest, ErrorsNameTheirPath) {
  auto read = [](const char* text) {
    return DartsConfigFromJson(Json::parse(text), "c.json: $").status();
  };
  EXPECT_THAT(read(R"({"data": {"train_examples": 10, "subset": 4}})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("c.json: $.data.subset")));
  EXPECT_THAT(read(R"({"data": {"train_fraction": 1}})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("c.json: $.data.train_fraction must be in (0, 1)")));
  EXPECT_THAT(
      read(R"({"search": {"darts": {"unroled": true}}})"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("c.json: $.search.darts.unroled")));
  EXPECT_THAT(read(R"({"retrain": {"drop_path_prob": 1}})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("$.retrain.drop_path_prob")));
  EXPECT_THAT(read(R"({"preset": "imagenet"})"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("c.json: $.preset")));
}

}  // namespace
}  // namespace nas::darts
