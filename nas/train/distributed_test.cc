#include "nas/train/distributed.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>

namespace nas {
namespace {

using ::testing::HasSubstr;

class DistributedEnvTest : public ::testing::Test {
 protected:
  void SetUp() override { Clear(); }
  void TearDown() override { Clear(); }
  static void Clear() {
    for (const char* v : {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT",
                          "SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID", "OMPI_COMM_WORLD_RANK",
                          "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK"}) {
      unsetenv(v);
    }
  }
};

TEST_F(DistributedEnvTest, DefaultsToOneProcess) {
  auto env = DistributedEnvFromEnvironment();
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->rank, 0);
  EXPECT_EQ(env->world_size, 1);
  auto d = Distributed::Create(*env);
  ASSERT_TRUE(d.ok());
  at::Tensor t = torch::ones({3});
  (*d)->all_reduce_mean({t});  // no-ops
  (*d)->broadcast({t});
  EXPECT_EQ((*d)->all_reduce_mean(2.5), 2.5);
  EXPECT_TRUE((*d)->is_main());
}

TEST_F(DistributedEnvTest, TorchrunSlurmAndOpenMpiVariables) {
  setenv("RANK", "1", 1);
  setenv("WORLD_SIZE", "4", 1);
  setenv("LOCAL_RANK", "0", 1);
  setenv("MASTER_ADDR", "node7", 1);
  setenv("MASTER_PORT", "1234", 1);
  auto env = DistributedEnvFromEnvironment();
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->rank, 1);
  EXPECT_EQ(env->world_size, 4);
  EXPECT_EQ(env->local_rank, 0);
  EXPECT_EQ(env->master_addr, "node7");
  EXPECT_EQ(env->master_port, 1234);
  Clear();
  setenv("SLURM_PROCID", "3", 1);
  setenv("SLURM_NTASKS", "8", 1);
  setenv("SLURM_LOCALID", "1", 1);
  env = DistributedEnvFromEnvironment();
  EXPECT_EQ(env->rank, 3);
  EXPECT_EQ(env->world_size, 8);
  EXPECT_EQ(env->local_rank, 1);
  Clear();
  setenv("OMPI_COMM_WORLD_RANK", "2", 1);
  setenv("OMPI_COMM_WORLD_SIZE", "3", 1);
  env = DistributedEnvFromEnvironment();
  EXPECT_EQ(env->rank, 2);
  EXPECT_EQ(env->world_size, 3);
  EXPECT_EQ(env->local_rank, 2);
}

TEST_F(DistributedEnvTest, BadValuesNameTheVariable) {
  setenv("RANK", "x", 1);
  EXPECT_THAT(std::string(DistributedEnvFromEnvironment().status().message()),
              HasSubstr("RANK='x' is not a non-negative integer"));
  setenv("RANK", "2", 1);
  setenv("WORLD_SIZE", "2", 1);
  EXPECT_THAT(std::string(DistributedEnvFromEnvironment().status().message()),
              HasSubstr("rank 2 is not below world size 2"));
  setenv("RANK", "0", 1);
  setenv("MASTER_PORT", "70000", 1);
  EXPECT_THAT(std::string(DistributedEnvFromEnvironment().status().message()),
              HasSubstr("MASTER_PORT 70000 is not a port"));
}

TEST_F(DistributedEnvTest, UnreachableMasterFailsWithinTheTimeout) {
  DistributedEnv env;
  env.rank = 1;
  env.world_size = 2;
  env.master_port = 9;  // nothing listens there
  auto d = Distributed::Create(env, std::chrono::seconds(2));
  EXPECT_EQ(d.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(d.status().message()),
              HasSubstr("rank 1 of 2: cannot join the process group at 127.0.0.1:9"));
}

}  // namespace
}  // namespace nas
