// GoogleMock matchers for tensors, in the manner of PyTorch's C++ test
// support (assert_tensor_equal): one place that compares shapes, dtypes and
// values and says how far apart two tensors are.
//
//   EXPECT_THAT(child(x), TensorNear(supernet(x), /*atol=*/1e-6));
//   EXPECT_THAT(restored.weight, TensorEq(saved.weight));   // bit for bit
//
// On failure the message names the shapes, or the largest absolute
// difference and where it is.
#ifndef NAS_TESTING_TENSOR_MATCHERS_H_
#define NAS_TESTING_TENSOR_MATCHERS_H_

#include <gmock/gmock.h>

#include <ATen/core/Tensor.h>

namespace nas::testing {

// Same shape, dtype and values (NaNs in the same places count as equal).
::testing::Matcher<const at::Tensor&> TensorEq(const at::Tensor& expected);

// Same shape; |actual - expected| <= atol + rtol * |expected| everywhere
// (compared in double precision, so dtypes may differ).
::testing::Matcher<const at::Tensor&> TensorNear(const at::Tensor& expected, double atol = 1e-6,
                                                 double rtol = 0);

}  // namespace nas::testing

#endif  // NAS_TESTING_TENSOR_MATCHERS_H_
