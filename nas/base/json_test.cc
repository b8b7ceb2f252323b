#include "nas/base/json.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/file.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
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

TEST(JsonTest, LenientReadsNeverThrow) {
  const Json record = {{"step", 3}, {"split", "train"}, {"epoch", "2"}, {"big", UINT64_MAX}};
  EXPECT_EQ(JsonIntegerOr(record, "step", 0), 3);
  EXPECT_EQ(JsonIntegerOr(record, "epoch", -1), -1);  // a string
  EXPECT_EQ(JsonIntegerOr(record, "big", -1), -1);
  EXPECT_EQ(JsonIntegerOr(record, "missing", 7), 7);
  EXPECT_EQ(JsonIntegerOr(Json::array({1}), "step", 7), 7);
  EXPECT_EQ(JsonStringOr(record, "split", ""), "train");
  EXPECT_EQ(JsonStringOr(record, "step", "none"), "none");
  EXPECT_EQ(JsonStringOr(Json(3), "split", "none"), "none");
}

TEST(JsonTest, NonFiniteNumbersAreRefused) {
  double x = 1;
  EXPECT_THAT(
      JsonGet(Json(std::nan("")), "$.lr", &x),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("$.lr: expected finite number")));
  EXPECT_THAT(JsonGet(Json(INFINITY), "$.lr", &x), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(x, 1);
}

TEST(JsonTest, NumberOutOfRangeNamesSource) {
  auto j = ParseJson("{\"seed\": 1e400}", "config.json");
  EXPECT_THAT(j.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr("config.json: malformed JSON: ")));
  EXPECT_THAT(Message(j.status()), HasSubstr("1e400"));
}

TEST(JsonTest, DuplicateMembersAreRefusedWithTheirPath) {
  EXPECT_THAT(
      ParseJson(R"({"seed": 1, "seed": 2})", "c.json").status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("c.json: duplicate member $.seed")));
  EXPECT_THAT(
      ParseJson(R"({"a": [0, {"b": {}}, {"x": 1, "search": {"lr": 1, "lr": 2}}]})", "c.json")
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("duplicate member $.a[2].search.lr")));
  // The same name in different objects is fine.
  EXPECT_TRUE(
      ParseJson(R"({"a": {"x": 1}, "b": {"x": 1}, "c": [{"x": 1}, {"x": 2}]})", "c.json").ok());
}

TEST(JsonTest, DeepNestingIsRefusedNotACrash) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_THAT(ParseJson(deep, "deep.json").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("deep.json: nested deeper than 256 levels at $[0][0]")));
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\": ";
  objects += "1" + std::string(100000, '}');
  EXPECT_THAT(ParseJson(objects, "deep.json").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("nested deeper than 256")));
  std::string ok = std::string(200, '[') + std::string(200, ']');
  EXPECT_TRUE(ParseJson(ok, "ok.json").ok());
}

TEST(JsonTest, DirectoryIsNotAFile) {
  EXPECT_THAT(
      ReadJsonFile(std::getenv("TEST_TMPDIR")).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is a directory, not a file")));
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
