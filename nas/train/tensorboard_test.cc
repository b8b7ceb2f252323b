#include "nas/train/tensorboard.h"

#include <cstdlib>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/file.h"

namespace nas {
namespace {

using ::testing::HasSubstr;

TEST(TensorBoardTest, Crc32cKnownValues) {
  // The CRC-32C check value (RFC 3720, B.4).
  EXPECT_EQ(Crc32c("123456789", 9), 0xe3069283u);
  std::string zeros(32, '\0');
  EXPECT_EQ(Crc32c(zeros.data(), zeros.size()), 0x8a9136aau);
}

TEST(TensorBoardTest, WritesRecordsThatParseWithValidCrcs) {
  std::string dir = JoinPath(std::getenv("TEST_TMPDIR"), "tb");
  auto writer = TensorBoardWriter::Create(dir);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  for (int step = 0; step < 5; ++step) {
    ASSERT_TRUE((*writer)->add_scalar("train/loss", 2.0 / (step + 1), step).ok());
    ASSERT_TRUE((*writer)->add_scalar("train/lr", 0.1, step).ok());
  }
  ASSERT_TRUE((*writer)->add_scalar("valid/accuracy", 0.875, 4).ok());
  ASSERT_TRUE((*writer)->flush().ok());
  std::string path = (*writer)->path();
  EXPECT_THAT(path, HasSubstr("events.out.tfevents."));

  auto events = ReadScalarEvents(path);
  ASSERT_TRUE(events.ok()) << events.status().message();
  ASSERT_EQ(events->size(), 11u);
  EXPECT_EQ((*events)[2].tag, "train/loss");
  EXPECT_EQ((*events)[2].step, 1);
  EXPECT_FLOAT_EQ((*events)[2].value, 1.0f);
  EXPECT_EQ(events->back().tag, "valid/accuracy");
  EXPECT_FLOAT_EQ(events->back().value, 0.875f);
  EXPECT_GT(events->back().wall_time, 1.6e9);

  // Keep a sample for people to inspect (bazel-testlogs/.../test.outputs).
  if (const char* out = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR")) {
    ASSERT_TRUE(WriteFileAtomically(JoinPath(out, "sample.tfevents"), *ReadFile(path)).ok());
  }

  // Corruption is detected, naming the record.
  std::string bytes = *ReadFile(path);
  std::string flipped = bytes;
  flipped[flipped.size() - 10] ^= 0x40;
  ASSERT_TRUE(WriteFileAtomically(path + ".bad", flipped).ok());
  EXPECT_THAT(std::string(ReadScalarEvents(path + ".bad").status().message()),
              HasSubstr("record 11: data CRC mismatch"));
  ASSERT_TRUE(WriteFileAtomically(path + ".cut", bytes.substr(0, bytes.size() - 3)).ok());
  EXPECT_THAT(std::string(ReadScalarEvents(path + ".cut").status().message()),
              HasSubstr("truncated data"));
}

}  // namespace
}  // namespace nas
