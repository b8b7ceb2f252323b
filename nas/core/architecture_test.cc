// Every NNI v1 architecture form (formats.md), the readable written form,
// and strict validation against a search space.
#include "nas/core/architecture.h"

#include <cstdlib>

#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/file.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::IsOk;
using ::testing::HasSubstr;

SearchSpace Space() {
  return SearchSpace({
      {"conv", MutableKind::kLayerChoice, {"conv3x3", "conv5x5", "maxpool"}, std::nullopt},
      {"plain", MutableKind::kLayerChoice, {"0", "1", "2", "3"}, std::nullopt},
      {"skip", MutableKind::kInputChoice, {"conv", "plain", ""}, std::nullopt},
  });
}

Decisions Resolve(const std::string& json) {
  auto arch = Architecture::from_json(Json::parse(json));
  EXPECT_TRUE(arch.ok()) << arch.status().message();
  auto d = arch->resolve(Space());
  EXPECT_TRUE(d.ok()) << d.status().message();
  return d.ok() ? *d : Decisions{};
}

std::string Error(const std::string& json) {
  auto arch = Architecture::from_json(Json::parse(json), "arch.json");
  if (!arch.ok()) return std::string(arch.status().message());
  auto d = arch->resolve(Space());
  return d.ok() ? "" : std::string(d.status().message());
}

std::vector<bool> Mask(const at::Tensor& t) {
  std::vector<bool> v;
  for (int64_t i = 0; i < t.size(0); ++i) v.push_back(t[i].item<bool>());
  return v;
}

TEST(ArchitectureTest, ReadsEveryNniForm) {
  Decisions d = Resolve(R"({"conv": "conv5x5", "plain": 2, "skip": ["conv", "plain"]})");
  EXPECT_EQ(Mask(d["conv"]), (std::vector<bool>{false, true, false}));
  EXPECT_EQ(Mask(d["plain"]), (std::vector<bool>{false, false, true, false}));
  EXPECT_EQ(Mask(d["skip"]), (std::vector<bool>{true, true, false}));
  d = Resolve(R"({"conv": [0, 2], "plain": [true, false, false, false], "skip": []})");
  EXPECT_EQ(Mask(d["conv"]), (std::vector<bool>{true, false, true}));
  EXPECT_EQ(Mask(d["plain"]), (std::vector<bool>{true, false, false, false}));
  EXPECT_EQ(Mask(d["skip"]), (std::vector<bool>{false, false, false}));
  d = Resolve(R"({"conv": [0.1, 0.7, 0.2], "plain": 0, "skip": [1]})");
  EXPECT_EQ(d["conv"].scalar_type(), at::kFloat);
  EXPECT_NEAR(d["conv"][1].item<double>(), 0.7, 1e-6);
  EXPECT_EQ(Mask(d["skip"]), (std::vector<bool>{false, true, false}));
}

TEST(ArchitectureTest, NniSposFileWithBoolOneHotLists) {
  Json spos = Json::object();
  std::vector<ChoiceSpec> specs;
  for (int i = 1; i <= 20; ++i) {
    std::string key = "LayerChoice" + std::to_string(i);
    specs.push_back({key, MutableKind::kLayerChoice, {"0", "1", "2", "3"}, std::nullopt});
    Json one_hot = {false, false, false, false};
    one_hot[i % 4] = true;
    spos[key] = one_hot;
  }
  auto arch = Architecture::from_json(spos);
  ASSERT_TRUE(arch.ok());
  auto d = arch->resolve(SearchSpace(specs));
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_TRUE(d->at("LayerChoice7")[3].item<bool>());
}

TEST(ArchitectureTest, WritesNamesOrIndicesScalarsOrLists) {
  Decisions d = Resolve(R"({"conv": [true, false, false], "plain": [1, 3], "skip": [2]})");
  Architecture arch = Architecture::from_decisions(d, Space());
  // Digit names are written as indices; a single selection as a scalar; an
  // InputChoice whose sources include "" is written by index.
  EXPECT_EQ(arch.to_json(), Json::parse(R"({"conv": "conv3x3", "plain": [1, 3], "skip": 2})"));
  Decisions weights = Resolve(R"({"conv": [0.5, 0.25, 0.25], "plain": 0, "skip": []})");
  EXPECT_EQ(Architecture::from_decisions(weights, Space()).to_json()["conv"],
            Json::parse("[0.5, 0.25, 0.25]"));
}

TEST(ArchitectureTest, RoundTripsThroughAFile) {
  Decisions d = Resolve(R"({"conv": "maxpool", "plain": [0, 1], "skip": ["conv"]})");
  Architecture arch = Architecture::from_decisions(d, Space());
  std::string path = JoinPath(std::getenv("TEST_TMPDIR"), "arch.json");
  ASSERT_OK(WriteArchitecture(path, arch));
  absl::StatusOr<Architecture> read = ReadArchitecture(path);
  ASSERT_OK(read);
  EXPECT_EQ(*read, arch);
  EXPECT_THAT(*ReadFile(path), HasSubstr("\"conv\": \"maxpool\""));
  auto again = read->resolve(Space());
  ASSERT_TRUE(again.ok());
  for (const auto& [key, mask] : d) EXPECT_TRUE(at::equal(mask, again->at(key))) << key;
}

TEST(ArchitectureTest, StrictValidationNamesKeyAndListsValid) {
  EXPECT_THAT(Error(R"({"conv": "conv7x7", "plain": 0, "skip": []})"),
              HasSubstr("key 'conv': unknown candidate 'conv7x7'; valid: conv3x3, conv5x5, "
                        "maxpool or an index in [0, 2]"));
  EXPECT_THAT(Error(R"({"conv": 3, "plain": 0, "skip": []})"),
              HasSubstr("key 'conv': index 3 is out of range"));
  EXPECT_THAT(Error(R"({"conv": 0, "plain": 0, "skip": [], "extra": 1})"),
              HasSubstr("unknown key extra; the model's keys: conv, plain, skip"));
  EXPECT_THAT(Error(R"({"conv": 0, "skip": []})"), HasSubstr("no decision for key plain"));
  EXPECT_THAT(Error(R"({"conv": [true, false], "plain": 0, "skip": []})"),
              HasSubstr("key 'conv': a mask needs 3 entries (one per candidate), got 2"));
  EXPECT_THAT(Error(R"({"conv": [0, 0], "plain": 0, "skip": []})"),
              HasSubstr("key 'conv': candidate 0 is selected twice"));
  EXPECT_THAT(Error(R"({"conv": ["conv3x3", 1], "plain": 0, "skip": []})"),
              HasSubstr("key 'conv': list mixes string and integer"));
  EXPECT_THAT(Error(R"({"conv": {"a": 1}, "plain": 0, "skip": []})"),
              HasSubstr("arch.json: key 'conv': expected a candidate name, an index or a list"));
  EXPECT_THAT(Error(R"({"conv": null, "plain": 0, "skip": []})"), HasSubstr("got null"));
  EXPECT_THAT(Error(R"([1, 2])"), HasSubstr("an architecture is a JSON object"));
}

TEST(ArchitectureTest, BadFiles) {
  std::string dir = std::getenv("TEST_TMPDIR");
  EXPECT_EQ(ReadArchitecture(JoinPath(dir, "missing.json")).status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(WriteFileAtomically(JoinPath(dir, "bad.json"), "{\"conv\": ").ok());
  auto bad = ReadArchitecture(JoinPath(dir, "bad.json"));
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("bad.json: malformed JSON"));
  EXPECT_THAT(WriteArchitecture(JoinPath(dir, "bad.json/a.json"), Architecture()),
              ::nas::testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                       HasSubstr("bad.json exists and is not a directory")));
}

}  // namespace
}  // namespace nas
