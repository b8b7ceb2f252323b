#include "nas/testing/tensor_matchers.h"

#include <sstream>

#include <ATen/ATen.h>

namespace nas::testing {
namespace {

std::string Shape(const at::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

class TensorMatcher : public ::testing::MatcherInterface<const at::Tensor&> {
 public:
  TensorMatcher(at::Tensor expected, bool exact, double atol, double rtol)
      : expected_(std::move(expected)), exact_(exact), atol_(atol), rtol_(rtol) {}

  bool MatchAndExplain(const at::Tensor& actual,
                       ::testing::MatchResultListener* listener) const override {
    if (!actual.defined() || !expected_.defined()) {
      *listener << (actual.defined() ? "but the expected tensor is undefined"
                                     : "which is undefined");
      return actual.defined() == expected_.defined();
    }
    if (actual.sizes() != expected_.sizes()) {
      *listener << "whose shape is " << Shape(actual);
      return false;
    }
    if (exact_ && actual.scalar_type() != expected_.scalar_type()) {
      *listener << "whose dtype is " << actual.scalar_type();
      return false;
    }
    if (actual.numel() == 0) return true;
    at::Tensor a = actual.detach().cpu().to(at::kDouble).reshape({-1});
    at::Tensor e = expected_.detach().cpu().to(at::kDouble).reshape({-1});
    at::Tensor both_nan = a.isnan().logical_and(e.isnan());
    at::Tensor diff = (a - e).abs().masked_fill(both_nan, 0).nan_to_num(/*nan=*/INFINITY);
    at::Tensor bound = exact_ ? at::zeros_like(e) : (atol_ + rtol_ * e.abs());
    at::Tensor bad = diff > bound.nan_to_num(0);
    if (!bad.any().item<bool>()) return true;
    const int64_t worst = diff.argmax().item<int64_t>();
    *listener << "which differs at " << bad.sum().item<int64_t>() << " of " << a.numel()
              << " elements; the largest difference is " << diff[worst].item<double>()
              << " at flat index " << worst << " (" << a[worst].item<double>() << " vs "
              << e[worst].item<double>() << ")";
    return false;
  }

  void DescribeTo(std::ostream* os) const override {
    if (exact_) {
      *os << "equals a " << expected_.scalar_type() << " tensor of shape " << Shape(expected_);
    } else {
      *os << "is within atol " << atol_ << " + rtol " << rtol_ << " of a tensor of shape "
          << Shape(expected_);
    }
  }

 private:
  at::Tensor expected_;
  bool exact_;
  double atol_, rtol_;
};

}  // namespace

::testing::Matcher<const at::Tensor&> TensorEq(const at::Tensor& expected) {
  return ::testing::MakeMatcher(new TensorMatcher(expected, /*exact=*/true, 0, 0));
}

::testing::Matcher<const at::Tensor&> TensorNear(const at::Tensor& expected, double atol,
                                                 double rtol) {
  return ::testing::MakeMatcher(new TensorMatcher(expected, /*exact=*/false, atol, rtol));
}

}  // namespace nas::testing
