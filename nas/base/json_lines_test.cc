#include "nas/base/json_lines.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/file.h"

namespace nas {
namespace {

using ::testing::HasSubstr;

std::string Tmp(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

TEST(JsonLinesTest, AppendsAndReadsBack) {
  std::string path = Tmp("dir/log.jsonl");
  {
    auto writer = JsonLinesWriter::Open(path);
    ASSERT_TRUE(writer.ok()) << writer.status();
    ASSERT_TRUE((*writer)->append({{"a", 1}}).ok());
    ASSERT_TRUE((*writer)->append({{"b", "x\ny"}}).ok());
  }
  {
    auto writer = JsonLinesWriter::Open(path);  // appends, does not truncate
    ASSERT_TRUE((*writer)->append({{"c", 3}}).ok());
  }
  auto records = ReadJsonLines(path, false);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[1]["b"], "x\ny");
  EXPECT_EQ(*ReadFile(path), "{\"a\":1}\n{\"b\":\"x\\ny\"}\n{\"c\":3}\n");
}

TEST(JsonLinesTest, MissingFileHasNoRecords) {
  auto records = ReadJsonLines(Tmp("none.jsonl"), true);
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE(records->empty());
}

TEST(JsonLinesTest, TornLastLineIsDroppedAndRepaired) {
  std::string path = Tmp("torn.jsonl");
  ASSERT_TRUE(WriteFileAtomically(path, "{\"a\":1}\n{\"b\":2}\n{\"c\":").ok());
  auto records = ReadJsonLines(path, /*repair=*/false);
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_EQ(records->size(), 2u);
  EXPECT_EQ(ReadFile(path)->size(), 21u);  // untouched without repair
  records = ReadJsonLines(path, /*repair=*/true);
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(*ReadFile(path), "{\"a\":1}\n{\"b\":2}\n");
  auto writer = JsonLinesWriter::Open(path);
  ASSERT_TRUE((*writer)->append({{"d", 4}}).ok());
  EXPECT_EQ(ReadJsonLines(path, false)->size(), 3u);
}

TEST(JsonLinesTest, WholeLastRecordWithoutNewlineIsKept) {
  std::string path = Tmp("nonl.jsonl");
  ASSERT_TRUE(WriteFileAtomically(path, "{\"a\":1}\n{\"b\":2}").ok());
  ASSERT_EQ(ReadJsonLines(path, true)->size(), 2u);
  auto writer = JsonLinesWriter::Open(path);
  ASSERT_TRUE((*writer)->append({{"c", 3}}).ok());
  EXPECT_EQ(ReadJsonLines(path, false)->size(), 3u);
}

TEST(JsonLinesTest, MalformedMiddleLineNamesItsLine) {
  std::string path = Tmp("bad.jsonl");
  ASSERT_TRUE(WriteFileAtomically(path, "{\"a\":1}\nnot json\n{\"b\":2}\n").ok());
  auto records = ReadJsonLines(path, true);
  ASSERT_FALSE(records.ok());
  EXPECT_THAT(records.status().message(), HasSubstr("bad.jsonl:2: not a JSON object"));
  // A JSON value that is not an object is malformed too.
  ASSERT_TRUE(WriteFileAtomically(path, "[1, 2]\n").ok());
  EXPECT_FALSE(ReadJsonLines(path, true).ok());
}

}  // namespace
}  // namespace nas
