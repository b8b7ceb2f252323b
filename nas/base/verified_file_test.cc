#include "nas/base/verified_file.h"

#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/file.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

std::string Tmp(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

TEST(VerifiedFileTest, RoundTripInSha256sumFormat) {
  const std::string path = Tmp("w.pt");
  ASSERT_OK(WriteVerifiedFile(path, "abc"));
  EXPECT_EQ(*ReadFile(DigestPath(path)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  w.pt\n");
  auto content = ReadVerifiedFile(path);
  ASSERT_OK(content);
  EXPECT_EQ(*content, "abc");
}

TEST(VerifiedFileTest, OneChangedByteIsDataLossNamingTheFile) {
  const std::string path = Tmp("damaged.pt");
  std::string bytes(100000, 'x');
  ASSERT_OK(WriteVerifiedFile(path, bytes));
  bytes[54321] ^= 0x40;
  ASSERT_OK(WriteFileAtomically(path, bytes));
  EXPECT_THAT(ReadVerifiedFile(path),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr(path + " is damaged: its SHA-256")));
  ASSERT_OK(WriteFileAtomically(DigestPath(path), "nonsense\n"));
  EXPECT_THAT(ReadVerifiedFile(path),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("damaged.pt.sha256 is damaged")));
}

TEST(VerifiedFileTest, WithoutDigestIsReadAndMissingIsNotFound) {
  const std::string path = Tmp("plain.pt");
  ASSERT_OK(WriteFileAtomically(path, "old"));
  EXPECT_EQ(*ReadVerifiedFile(path), "old");
  EXPECT_THAT(ReadVerifiedFile(Tmp("missing.pt")), StatusIs(absl::StatusCode::kNotFound));
  ASSERT_OK(WriteVerifiedFile(path, "new"));
  RemoveVerifiedFile(path);
  EXPECT_FALSE(FileExists(path));
  EXPECT_FALSE(FileExists(DigestPath(path)));
}

}  // namespace
}  // namespace nas
