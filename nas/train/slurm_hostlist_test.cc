// FirstSlurmHost: the first host of Slurm's node-list expressions, and one
// clear error for what is not one.
#include "nas/train/slurm_hostlist.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nas {
namespace {

using ::testing::HasSubstr;

TEST(FirstSlurmHostTest, ExpandsTheFirstValueOfEachRange) {
  EXPECT_EQ(*FirstSlurmHost("login"), "login");
  EXPECT_EQ(*FirstSlurmHost("node07,node08"), "node07");
  EXPECT_EQ(*FirstSlurmHost("node[07-10,12],gpu3"), "node07");
  EXPECT_EQ(*FirstSlurmHost("node[12,07-10]"), "node12");  // Slurm's order, as written
  EXPECT_EQ(*FirstSlurmHost("node[001-004]"), "node001");   // zero padding kept
  EXPECT_EQ(*FirstSlurmHost("rack[1-2]-n[001-004]"), "rack1-n001");
  EXPECT_EQ(*FirstSlurmHost("gpu-a100-[3]"), "gpu-a100-3");
}

TEST(FirstSlurmHostTest, RefusesWhatIsNotAHostlist) {
  for (const char* bad : {"", ",node1", "node[1-2", "node1]", "node[]", "node[[1]]", "node[-3]"}) {
    auto host = FirstSlurmHost(bad);
    ASSERT_FALSE(host.ok()) << bad << " gave " << *host;
    EXPECT_THAT(std::string(host.status().message()),
                HasSubstr(std::string("Slurm node list '") + bad + "' is not a hostlist"));
  }
}

}  // namespace
}  // namespace nas
