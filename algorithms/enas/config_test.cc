// The ENAS configuration: presets, strict members with paths, round trip.
#include "algorithms/enas/config.h"

#include <gtest/gtest.h>

namespace nas::enas {
namespace {

TEST(EnasConfigTest, PresetsRoundTrip) {
  for (const char* name : {"fashion_mnist", "fashion_mnist_micro", "paper", "paper_micro"}) {
    auto preset = EnasPreset(name);
    ASSERT_TRUE(preset.ok()) << preset.status();
    auto back = EnasConfigFromJson(EnasConfigToJson(*preset), "$");
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(EnasConfigToJson(*back), EnasConfigToJson(*preset)) << name;
  }
  EXPECT_EQ(EnasPreset("paper")->search.enas.controller_steps, 50);
  EXPECT_EQ(EnasPreset("paper_micro")->search.enas.aggregate, 10);
  EXPECT_EQ(EnasPreset("paper_micro")->space, "enas_micro");
}

TEST(EnasConfigTest, OverridesAndErrorsNameTheirPath) {
  auto c = EnasConfigFromJson(Json::parse(R"({"space_options": {"layers": 4}, "search": {"export_samples": 7}})"),
                              "c.json: $");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->space_options["layers"], 4);
  EXPECT_EQ(c->space_options["preset"], "fashion_mnist");  // kept from the preset
  EXPECT_EQ(c->search.export_samples, 7);
  auto unknown = EnasConfigFromJson(Json::parse(R"({"search": {"enas": {"mutator": {"lstm": 3}}}})"), "c.json: $");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(std::string(unknown.status().message()).find("c.json: $.search.enas.mutator"), std::string::npos)
      << unknown.status();
  auto preset = EnasConfigFromJson(Json::parse(R"({"preset": "huge"})"), "c.json: $");
  ASSERT_FALSE(preset.ok());
  EXPECT_NE(std::string(preset.status().message()).find("unknown ENAS preset 'huge'"), std::string::npos);
  auto range = EnasConfigFromJson(Json::parse(R"({"data": {"train_fraction": 1}})"), "c.json: $");
  ASSERT_FALSE(range.ok());
  EXPECT_NE(std::string(range.status().message()).find("c.json: $.data.train_fraction"), std::string::npos);
  auto type = EnasConfigFromJson(Json::parse(R"([1, 2])"), "c.json: $");
  ASSERT_FALSE(type.ok());
}

}  // namespace
}  // namespace nas::enas
