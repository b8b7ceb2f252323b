// Search-space JSON (NNI's format) and the parameter <-> architecture
// conversion that tuners use.
#include "nas/core/search_space.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include "nas/core/mutable_tree.h"
#include "nas/core/parameters.h"
#include "nas/testing/toy_spaces.h"

namespace nas {
namespace {

using ::testing::HasSubstr;

SearchSpace CellSpace() {
  for (const auto& t : testing::ToySpaces()) {
    if (t.name == "cell") return *SearchSpaceOf(*t.make());
  }
  return {};
}

TEST(SearchSpaceTest, WritesNniFormatWithSortedKeys) {
  Json j = CellSpace().to_json();
  EXPECT_EQ(j.dump(), Json::parse(R"({
    "any": {"_type": "input_choice", "_value": {"candidates": ["", "", ""], "n_chosen": null}},
    "cell_a": {"_type": "layer_choice", "_value": ["conv3x3", "maxpool"]},
    "cell_b": {"_type": "layer_choice", "_value": ["conv1x1", "conv3x3"]},
    "pick": {"_type": "input_choice", "_value": {"candidates": ["cell_a", "cell_b", ""], "n_chosen": 1}},
    "skip": {"_type": "input_choice", "_value": {"candidates": ["cell", ""], "n_chosen": 1}}
  })")
                          .dump());
}

TEST(SearchSpaceTest, JsonRoundTrip) {
  SearchSpace space = CellSpace();
  auto back = SearchSpace::from_json(space.to_json());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->to_json(), space.to_json());
}

TEST(SearchSpaceTest, MalformedSpacesAreRejectedWithThePath) {
  auto error = [](const char* text) {
    return std::string(SearchSpace::from_json(Json::parse(text)).status().message());
  };
  EXPECT_THAT(error(R"({"a": {"_type": "choice", "_value": []}})"),
              HasSubstr("$.a._type: unknown choice type 'choice'"));
  EXPECT_THAT(error(R"({"a": {"_type": "layer_choice"}})"),
              HasSubstr("$.a._value: required member is missing"));
  EXPECT_THAT(error(R"({"a": {"_type": "layer_choice", "_value": [1]}})"),
              HasSubstr("$.a._value[0]: expected string"));
  EXPECT_THAT(error(R"({"a": {"_type": "layer_choice", "_value": ["x"], "extra": 1}})"),
              HasSubstr("unknown member $.a.extra"));
  EXPECT_THAT(
      error(R"({"a": {"_type": "input_choice", "_value": {"candidates": ["x"], "n_chosen": 2}}})"),
      HasSubstr("$.a._value.n_chosen: 2 is outside [0, 1]"));
  EXPECT_THAT(error(R"([])"), HasSubstr("expected an object of choices"));
  EXPECT_THAT(error(R"({"a": {"_type": "layer_choice", "_value": ["x", "y", "x"]}})"),
              HasSubstr("$.a._value: candidate 'x' appears twice"));
  EXPECT_THAT(error(R"({"a": {"_type": "input_choice", "_value": {"candidates": ["i", "i"]}}})"),
              HasSubstr("$.a._value.candidates: candidate 'i' appears twice"));
}

TEST(ParametersTest, BothWays) {
  SearchSpace space = CellSpace();
  Json params = Json::parse(R"({
    "any": {"_value": ["", ""], "_idx": [0, 2]},
    "cell_a": {"_value": "maxpool", "_idx": 1},
    "cell_b": {"_value": "conv1x1", "_idx": 0},
    "pick": {"_value": ["cell_b"], "_idx": [1]},
    "skip": {"_value": [""], "_idx": [1]}
  })");
  auto arch = ArchitectureFromParameters(params, space);
  ASSERT_TRUE(arch.ok()) << arch.status().message();
  auto back = ParametersFromArchitecture(*arch, space);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, params);
}

TEST(ParametersTest, ValidationErrors) {
  SearchSpace space = CellSpace();
  Json good = Json::parse(R"({
    "any": {"_value": [], "_idx": []},
    "cell_a": {"_value": "maxpool", "_idx": 1},
    "cell_b": {"_value": "conv1x1", "_idx": 0},
    "pick": {"_value": ["cell_b"], "_idx": [1]},
    "skip": {"_value": ["cell"], "_idx": [0]}
  })");
  ASSERT_TRUE(ArchitectureFromParameters(good, space).ok());
  auto error = [&](const std::function<void(Json&)>& edit) {
    Json p = good;
    edit(p);
    return std::string(ArchitectureFromParameters(p, space).status().message());
  };
  EXPECT_THAT(error([](Json& p) { p["cell_a"]["_idx"] = 5; }),
              HasSubstr("$.cell_a._idx: 5 is out of range [0, 1]"));
  EXPECT_THAT(error([](Json& p) { p["cell_a"]["_value"] = "conv3x3"; }),
              HasSubstr("$.cell_a._value: 'conv3x3' is not the candidate at _idx 1 ('maxpool')"));
  EXPECT_THAT(error([](Json& p) { p.erase("skip"); }), HasSubstr("no entry for key 'skip'"));
  EXPECT_THAT(error([](Json& p) { p["zzz"] = p["skip"]; }), HasSubstr("unknown key 'zzz'"));
  EXPECT_THAT(error([](Json& p) {
                p["pick"] = Json::parse(R"({"_value": ["cell_b", "cell_b"], "_idx": [1, 1]})");
              }),
              HasSubstr("index 1 appears twice"));
  EXPECT_THAT(error([](Json& p) { p["pick"] = Json::parse(R"({"_value": [], "_idx": []})"); }),
              HasSubstr("0 inputs chosen but n_chosen is 1"));
  EXPECT_THAT(error([](Json& p) { p["cell_a"]["_idex"] = 1; }),
              HasSubstr("unknown member $.cell_a._idex"));
}

TEST(SearchSpaceTest, CheckNamesTheKey) {
  SearchSpace space = CellSpace();
  Decisions d;
  EXPECT_THAT(std::string(space.check(d).message()), HasSubstr("no decision for key"));
}

}  // namespace
}  // namespace nas
