#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/core/parameters.h"
#include "nas/multi_trial/tuner.h"

namespace nas::my_algo {
namespace {

TEST(MyAlgoTunerTest, ProposesValidParameters) {
  auto space = SearchSpace::from_json(Json::parse(R"({
    "op": {"_type": "layer_choice", "_value": ["conv3x3", "conv5x5", "maxpool"]},
    "skip": {"_type": "input_choice", "_value": {"candidates": ["", "op"], "n_chosen": 1}}})"));
  ASSERT_TRUE(space.ok()) << space.status().message();
  auto factory = TunerRegistry().Lookup("my_algo");
  ASSERT_TRUE(factory.ok()) << factory.status().message();
  auto tuner = (*factory)(TunerConfig());
  ASSERT_TRUE(tuner.ok());
  ASSERT_TRUE((*tuner)->update_search_space(*space).ok());
  for (int id = 0; id < 5; ++id) {
    auto parameters = (*tuner)->generate_parameters(id);
    ASSERT_TRUE(parameters.ok());
    EXPECT_TRUE(ArchitectureFromParameters(*parameters, *space).ok()) << parameters->dump();
  }
}

TEST(MyAlgoTunerTest, RejectsOptions) {
  TunerConfig config;
  config.options = Json::parse(R"({"population": 10})");
  EXPECT_THAT(std::string((*TunerRegistry().Lookup("my_algo"))(config).status().message()),
              ::testing::HasSubstr("unknown member my_algo tuner options.population"));
}

}  // namespace
}  // namespace nas::my_algo
