#include "nas/base/json.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/file.h"

namespace nas {
namespace {

using ::testing::HasSubstr;

struct Options {
  int epochs = 10;
  double lr = 0.1;
  std::string name = "default";
  std::vector<int> sizes;
  std::optional<int> n_chosen;
  bool verbose = false;
};

absl::Status OptionsFromJson(const Json& j, const std::string& path, Options* out) {
  JsonObjectReader r(j, path);
  r.Required("epochs", &out->epochs)
      .Optional("lr", &out->lr)
      .Optional("name", &out->name)
      .Optional("sizes", &out->sizes)
      .Optional("n_chosen", &out->n_chosen)
      .Optional("verbose", &out->verbose);
  return r.Finish();
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST(JsonTest, ReadsAllMembers) {
  Options o;
  ASSERT_TRUE(OptionsFromJson(Json::parse(R"({"epochs": 3, "lr": 1, "name": "x",
      "sizes": [1, 2], "n_chosen": null, "verbose": true})"),
                              "$", &o)
                  .ok());
  EXPECT_EQ(o.epochs, 3);
  EXPECT_DOUBLE_EQ(o.lr, 1.0);
  EXPECT_EQ(o.name, "x");
  EXPECT_EQ(o.sizes, (std::vector<int>{1, 2}));
  EXPECT_FALSE(o.n_chosen.has_value());
  EXPECT_TRUE(o.verbose);
}

TEST(JsonTest, OptionalMembersKeepDefaults) {
  Options o;
  ASSERT_TRUE(OptionsFromJson(Json::parse(R"({"epochs": 3})"), "$", &o).ok());
  EXPECT_DOUBLE_EQ(o.lr, 0.1);
  EXPECT_EQ(o.name, "default");
}

TEST(JsonTest, UnknownMemberIsRejectedWithPathAndKnownMembers) {
  Options o;
  absl::Status s = OptionsFromJson(Json::parse(R"({"epochs": 3, "lr_max": 2})"), "cfg.json: $", &o);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(s), HasSubstr("unknown member cfg.json: $.lr_max"));
  EXPECT_THAT(Message(s), HasSubstr("known members: epochs, lr, n_chosen, name, sizes, verbose"));
}

TEST(JsonTest, MissingRequiredMember) {
  Options o;
  absl::Status s = OptionsFromJson(Json::parse(R"({"lr": 2})"), "$", &o);
  EXPECT_THAT(Message(s), HasSubstr("$.epochs: required member is missing"));
}

TEST(JsonTest, TypeErrorsNameThePath) {
  Options o;
  EXPECT_THAT(Message(OptionsFromJson(Json::parse(R"({"epochs": "3"})"), "$", &o)),
              HasSubstr("$.epochs: expected integer, got string \"3\""));
  EXPECT_THAT(Message(OptionsFromJson(Json::parse(R"({"epochs": 2.5})"), "$", &o)),
              HasSubstr("$.epochs: expected integer, got number 2.5"));
  EXPECT_THAT(Message(OptionsFromJson(Json::parse(R"({"epochs": 1, "sizes": [1, "a"]})"), "$", &o)),
              HasSubstr("$.sizes[1]: expected integer"));
  EXPECT_THAT(Message(OptionsFromJson(Json::parse(R"({"epochs": 1, "verbose": 1})"), "$", &o)),
              HasSubstr("$.verbose: expected boolean"));
  EXPECT_THAT(Message(OptionsFromJson(Json::parse(R"([1])"), "$", &o)),
              HasSubstr("$: expected object, got array"));
}

TEST(JsonTest, IntegerRangeIsChecked) {
  uint8_t small;
  EXPECT_THAT(Message(JsonGet(Json(300), "$.x", &small)), HasSubstr("300 is out of range"));
  unsigned u;
  EXPECT_THAT(Message(JsonGet(Json(-1), "$.x", &u)), HasSubstr("out of range"));
  int i;
  ASSERT_TRUE(JsonGet(Json(3.0), "$.x", &i).ok());
  EXPECT_EQ(i, 3);
}

TEST(JsonTest, ParseErrorNamesSourceAndOffset) {
  auto j = ParseJson("{\"a\": [1, 2,}", "arch.json");
  EXPECT_EQ(j.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(j.status()), HasSubstr("arch.json: malformed JSON at byte"));
}

TEST(JsonTest, FileRoundTrip) {
  std::string path = JoinPath(std::getenv("TEST_TMPDIR"), "x.json");
  Json j = {{"b", {1, 2}}, {"a", "s"}};
  ASSERT_TRUE(WriteJsonFile(path, j).ok());
  EXPECT_EQ(*ReadJsonFile(path), j);
  EXPECT_EQ(ReadJsonFile(path + ".missing").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace nas
