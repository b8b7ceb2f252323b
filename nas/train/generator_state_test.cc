#include "nas/train/generator_state.h"

#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/types.h>

#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::IsOk;
using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

torch::serialize::InputArchive RoundTrip(torch::serialize::OutputArchive& out) {
  std::ostringstream bytes;
  out.save_to(bytes);
  std::istringstream in(bytes.str());
  torch::serialize::InputArchive archive;
  archive.load_from(in);
  return archive;
}

TEST(GeneratorStateTest, ACpuTrainerKeepsTheCpuGeneratorOnly) {
  torch::manual_seed(3);
  GeneratorStates states = CaptureGeneratorStates(at::Device(at::kCPU));
  EXPECT_FALSE(states.cuda.defined());
  EXPECT_FALSE(states.cuda_device.has_value());
  const at::Tensor expected = torch::rand({5});
  torch::serialize::OutputArchive out;
  WriteGeneratorStates(out, states);
  torch::serialize::InputArchive in = RoundTrip(out);
  at::Tensor absent;
  EXPECT_FALSE(in.try_read("rng_cuda", absent));
  absl::StatusOr<GeneratorStates> read = ReadGeneratorStates(in);
  ASSERT_THAT(read, IsOk());
  torch::manual_seed(99);  // moved on
  ASSERT_THAT(RestoreGeneratorStates(*read, at::Device(at::kCPU)), IsOk());
  EXPECT_TRUE(torch::rand({5}).equal(expected));
}

TEST(GeneratorStateTest, TheCudaStateTravelsWithItsDevice) {
  // The layout a GPU trainer writes, made by hand (no GPU here).
  GeneratorStates states;
  states.cpu = CaptureGeneratorStates(at::Device(at::kCPU)).cpu;
  states.cuda = torch::arange(16, torch::kUInt8);
  states.cuda_device = 1;
  torch::serialize::OutputArchive out;
  WriteGeneratorStates(out, states);
  torch::serialize::InputArchive in = RoundTrip(out);
  absl::StatusOr<GeneratorStates> read = ReadGeneratorStates(in);
  ASSERT_THAT(read, IsOk());
  EXPECT_TRUE(read->cuda.equal(states.cuda));
  EXPECT_EQ(read->cuda_device, 1);
  EXPECT_TRUE(read->cpu.equal(states.cpu));
  // Resumed on the CPU, the CUDA state is not needed.
  EXPECT_THAT(RestoreGeneratorStates(*read, at::Device(at::kCPU)), IsOk());
}

TEST(GeneratorStateTest, IncompleteOrForeignStatesAreRefused) {
  torch::serialize::OutputArchive no_cpu;
  no_cpu.write("other", torch::zeros({1}));
  torch::serialize::InputArchive a = RoundTrip(no_cpu);
  EXPECT_THAT(ReadGeneratorStates(a),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("CPU random generator")));

  torch::serialize::OutputArchive half;
  half.write("rng", CaptureGeneratorStates(at::Device(at::kCPU)).cpu);
  half.write("rng_cuda", torch::zeros({16}, torch::kUInt8));
  torch::serialize::InputArchive b = RoundTrip(half);
  EXPECT_THAT(ReadGeneratorStates(b),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("must come together")));

  GeneratorStates foreign;
  foreign.cpu = torch::zeros({3}, torch::kUInt8);  // not a CPU generator's state
  EXPECT_FALSE(RestoreGeneratorStates(foreign, at::Device(at::kCPU)).ok());
}

}  // namespace
}  // namespace nas
