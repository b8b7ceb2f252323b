#include "nas/base/torch/runtime.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

namespace nas {
namespace {

TEST(RuntimeTest, DefaultsUseAllCoresPinBlasAndTuneAllocator) {
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

}  // namespace
}  // namespace nas
