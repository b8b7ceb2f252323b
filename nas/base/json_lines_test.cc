#include "nas/base/json_lines.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/file.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

std::string Tmp(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

TEST(JsonLinesTest, AppendsAndReadsBack) {
  std::string path = Tmp("dir/log.jsonl");
  {
    auto writer = JsonLinesWriter::Open(path);
    ASSERT_OK(writer);
    ASSERT_OK((*writer)->append({{"a", 1}}));
    ASSERT_OK((*writer)->append({{"b", "x\ny"}}));
  }
  {
    auto writer = JsonLinesWriter::Open(path);  // appends, does not truncate
    ASSERT_OK((*writer)->append({{"c", 3}}));
  }
  auto records = ReadJsonLines(path, false);
  ASSERT_OK(records);
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[1]["b"], "x\ny");
  EXPECT_EQ(*ReadFile(path), "{\"a\":1}\n{\"b\":\"x\\ny\"}\n{\"c\":3}\n");
}

TEST(JsonLinesTest, MissingFileHasNoRecords) {
  auto records = ReadJsonLines(Tmp("none.jsonl"), true);
  ASSERT_OK(records);
  EXPECT_TRUE(records->empty());
}

TEST(JsonLinesTest, TornLastLineIsDroppedAndRepaired) {
  std::string path = Tmp("torn.jsonl");
  ASSERT_OK(WriteFileAtomically(path, "{\"a\":1}\n{\"b\":2}\n{\"c\":"));
  auto records = ReadJsonLines(path, /*repair=*/false);
  ASSERT_OK(records);
  EXPECT_EQ(records->size(), 2u);
  EXPECT_EQ(ReadFile(path)->size(), 21u);  // untouched without repair
  records = ReadJsonLines(path, /*repair=*/true);
  ASSERT_OK(records);
  EXPECT_EQ(*ReadFile(path), "{\"a\":1}\n{\"b\":2}\n");
  auto writer = JsonLinesWriter::Open(path);
  ASSERT_OK((*writer)->append({{"d", 4}}));
  EXPECT_EQ(ReadJsonLines(path, false)->size(), 3u);
}

TEST(JsonLinesTest, WholeLastRecordWithoutNewlineIsKept) {
  std::string path = Tmp("nonl.jsonl");
  ASSERT_OK(WriteFileAtomically(path, "{\"a\":1}\n{\"b\":2}"));
  ASSERT_EQ(ReadJsonLines(path, true)->size(), 2u);
  auto writer = JsonLinesWriter::Open(path);
  ASSERT_OK((*writer)->append({{"c", 3}}));
  EXPECT_EQ(ReadJsonLines(path, false)->size(), 3u);
}

TEST(JsonLinesTest, MalformedMiddleLineNamesItsLine) {
  std::string path = Tmp("bad.jsonl");
  ASSERT_OK(WriteFileAtomically(path, "{\"a\":1}\nnot json\n{\"b\":2}\n"));
  auto records = ReadJsonLines(path, true);
  ASSERT_THAT(records, StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("bad.jsonl:2: malformed JSON at byte")));
  // A JSON value that is not an object is malformed too.
  ASSERT_OK(WriteFileAtomically(path, "[1, 2]\n"));
  EXPECT_THAT(ReadJsonLines(path, true),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("bad.jsonl:1: not a JSON object: '[1, 2]'")));
}

}  // namespace
}  // namespace nas
