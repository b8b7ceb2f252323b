#include "nas/train/distributed.h"

#include <unistd.h>

#include <cstdlib>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include "nas/base/free_port.h"

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
                          "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK",
                          "NAS_DIST_BACKEND", "SLURM_STEP_NUM_NODES", "SLURM_NNODES",
                          "SLURM_STEP_NODELIST", "SLURM_JOB_NODELIST"}) {
      unsetenv(v);
    }
  }
};

TEST_F(DistributedEnvTest, SrunOverSeveralNodesFindsRankZerosHost) {
  setenv("SLURM_PROCID", "5", 1);
  setenv("SLURM_NTASKS", "8", 1);
  setenv("SLURM_STEP_NUM_NODES", "4", 1);
  setenv("SLURM_STEP_NODELIST", "gpu[07-09,12]", 1);
  setenv("SLURM_JOB_NODELIST", "gpu[01-16]", 1);
  auto env = DistributedEnvFromEnvironment();
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ(env->master_addr, "gpu07");  // the step's list, not the job's
  unsetenv("SLURM_STEP_NODELIST");
  EXPECT_EQ(DistributedEnvFromEnvironment()->master_addr, "gpu01");
  setenv("MASTER_ADDR", "login2", 1);  // the user's choice wins
  EXPECT_EQ(DistributedEnvFromEnvironment()->master_addr, "login2");
  unsetenv("MASTER_ADDR");
  setenv("SLURM_STEP_NUM_NODES", "1", 1);  // one node: the loopback default
  EXPECT_EQ(DistributedEnvFromEnvironment()->master_addr, "127.0.0.1");
  setenv("SLURM_STEP_NUM_NODES", "2", 1);
  setenv("SLURM_JOB_NODELIST", "gpu[01-16", 1);
  EXPECT_THAT(std::string(DistributedEnvFromEnvironment().status().message()),
              HasSubstr("'gpu[01-16' is not a hostlist ('[' without ']'); set MASTER_ADDR"));
}

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

TEST_F(DistributedEnvTest, BackendComesFromTheEnvironment) {
  EXPECT_EQ(DistributedEnvFromEnvironment()->backend, "auto");
  setenv("NAS_DIST_BACKEND", "gloo", 1);
  EXPECT_EQ(DistributedEnvFromEnvironment()->backend, "gloo");
}

TEST(CollectiveBackendTest, AutoTakesNcclForCudaTensorsWhenBuiltWithIt) {
  const at::Device cpu(at::kCPU), gpu(at::kCUDA, 1);
  EXPECT_EQ(*ChooseCollectiveBackend("auto", cpu, /*nccl_available=*/true), "gloo");
  EXPECT_EQ(*ChooseCollectiveBackend("auto", gpu, true), "nccl");
  // A CUDA LibTorch without NCCL (or a CPU one): Gloo through host memory.
  EXPECT_EQ(*ChooseCollectiveBackend("auto", gpu, false), "gloo");
  EXPECT_EQ(*ChooseCollectiveBackend("gloo", gpu, true), "gloo");
  EXPECT_EQ(*ChooseCollectiveBackend("nccl", gpu, true), "nccl");
}

TEST(CollectiveBackendTest, ImpossibleChoicesSayWhy) {
  const at::Device cpu(at::kCPU), gpu(at::kCUDA, 0);
  auto on_cpu = ChooseCollectiveBackend("nccl", cpu, true);
  EXPECT_EQ(on_cpu.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(on_cpu.status().message()), HasSubstr("needs CUDA tensors"));
  auto unbuilt = ChooseCollectiveBackend("nccl", gpu, false);
  EXPECT_EQ(unbuilt.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(unbuilt.status().message()), HasSubstr("has no NCCL"));
  EXPECT_THAT(std::string(ChooseCollectiveBackend("mpi", cpu, true).status().message()),
              HasSubstr("NAS_DIST_BACKEND='mpi' is not one of auto, gloo, nccl"));
}

TEST(CollectiveBackendTest, GlooIsAlwaysBuiltAndNcclOnlyWithACudaLibTorch) {
  EXPECT_TRUE(CollectiveBackendRegistry().Contains("gloo"));
  EXPECT_EQ(NcclAvailable(), CollectiveBackendRegistry().Contains("nccl"));
#ifndef USE_C10D_NCCL
  EXPECT_FALSE(NcclAvailable());  // this build's LibTorch has no NCCL
#endif
}

TEST(RankDeviceTest, CudaMeansTheLocalRanksGpu) {
  DistributedEnv env;
  env.local_rank = 3;
  EXPECT_EQ(*RankDevice("cuda", env), "cuda:3");
  EXPECT_EQ(*RankDevice("cuda:1", env), "cuda:1");
  EXPECT_EQ(*RankDevice("cpu", env), "cpu");
  EXPECT_THAT(std::string(RankDevice("tpu", env).status().message()),
              HasSubstr("device 'tpu' is not cpu, cuda or cuda:N"));
  EXPECT_FALSE(RankDevice("mps", env).ok());
}

TEST(DistributedTest, TwoRanksAverageTensorsOfEveryDtypeAndLayout) {
  const int port = FreeLocalPort();
  ASSERT_GT(port, 0);
  std::vector<at::Tensor> results(2);
  std::vector<double> scalars(2);
  std::vector<std::string> errors(2);
  auto rank_main = [&](int rank) {
    DistributedEnv env;
    env.rank = rank;
    env.world_size = 2;
    env.master_port = port;
    auto d = Distributed::Create(env, std::chrono::seconds(30));
    if (!d.ok()) {
      errors[rank] = std::string(d.status().message());
      return;
    }
    EXPECT_EQ((*d)->backend(), "gloo");
    // A channels-last tensor and a double one: one buffer per dtype.
    at::Tensor image = torch::full({2, 3, 2, 2}, rank + 1.0).contiguous(at::MemoryFormat::ChannelsLast);
    at::Tensor counts = torch::full({3}, rank * 4.0, torch::kDouble);
    (*d)->all_reduce_mean({image, counts});
    scalars[rank] = (*d)->all_reduce_mean(rank * 10.0);
    at::Tensor shared = torch::full({4}, rank == 0 ? 7.0 : -1.0).t().contiguous();
    at::Tensor strided = torch::zeros({4, 2}).select(1, 0);  // not contiguous
    if (rank == 0) strided.fill_(5);
    (*d)->broadcast({shared, strided}, 0);
    results[rank] = at::cat({image.reshape({-1}), counts.to(at::kFloat), shared, strided});
    (*d)->barrier();
  };
  std::thread r1(rank_main, 1);
  rank_main(0);
  r1.join();
  ASSERT_EQ(errors[0], "");
  ASSERT_EQ(errors[1], "");
  at::Tensor expected =
      at::cat({torch::full({24}, 1.5), torch::full({3}, 2.0), torch::full({4}, 7.0),
               torch::full({4}, 5.0)});
  EXPECT_TRUE(results[0].equal(expected)) << results[0];
  EXPECT_TRUE(results[1].equal(expected)) << results[1];
  EXPECT_EQ(scalars[0], 5.0);
  EXPECT_EQ(scalars[1], 5.0);
}

}  // namespace
}  // namespace nas
