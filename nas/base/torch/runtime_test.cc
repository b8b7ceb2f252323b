#include "nas/base/torch/runtime.h"

#include <stdlib.h>

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

namespace nas {
namespace {

TEST(RuntimeTest, DefaultsUseAllCoresPinBlasAndTuneAllocator) {
  unsetenv("OMP_NUM_THREADS");
  RuntimeReport report = ApplyRuntimeDefaults();
  EXPECT_EQ(report.intra_op_threads, UsableCores());
  EXPECT_EQ(at::get_num_threads(), UsableCores());
#ifndef __SANITIZE_ADDRESS__  // AddressSanitizer's allocator ignores mallopt
  EXPECT_TRUE(report.allocator_tuned);
#endif
  // libopenblas0-pthread is one of the project's packages.
  EXPECT_TRUE(report.blas_single_threaded);
}

TEST(RuntimeTest, ExplicitThreadCount) {
  RuntimeOptions options;
  options.intra_op_threads = 1;
  EXPECT_EQ(ApplyRuntimeDefaults(options).intra_op_threads, 1);
  ApplyRuntimeDefaults();
}

TEST(RuntimeTest, OmpNumThreadsIsTheDefaultWhenItIsAThreadCount) {
  setenv("OMP_NUM_THREADS", "1", 1);
  EXPECT_EQ(ApplyRuntimeDefaults().intra_op_threads, 1);
  setenv("OMP_NUM_THREADS", "1,2", 1);  // a nested list: its first level
  EXPECT_EQ(ApplyRuntimeDefaults().intra_op_threads, 1);
  RuntimeOptions options;
  options.intra_op_threads = 2;  // --threads wins
  EXPECT_EQ(ApplyRuntimeDefaults(options).intra_op_threads, 2);
  for (const char* bad : {"zero", "0", "-1", "2x", "100000"}) {
    setenv("OMP_NUM_THREADS", bad, 1);
    EXPECT_EQ(ApplyRuntimeDefaults().intra_op_threads, UsableCores()) << bad;
  }
  unsetenv("OMP_NUM_THREADS");
  ApplyRuntimeDefaults();
}

}  // namespace
}  // namespace nas
