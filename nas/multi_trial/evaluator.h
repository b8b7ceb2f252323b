// How the tuner driver scores a candidate. An Evaluator turns one
// TrialRequest into a TrialOutcome; the driver calls evaluate() from up to
// `parallel` threads at once, so an evaluator used with parallel > 1 must be
// thread-safe.
//
//   * InProcessEvaluator: a C++ callable (SPOS scores candidates on a
//     loaded supernet this way). An error status or an exception is a
//     failed trial, never the end of the search.
//   * ProcessEvaluator (process_evaluator.h): one trial process each.
#ifndef NAS_MULTI_TRIAL_EVALUATOR_H_
#define NAS_MULTI_TRIAL_EVALUATOR_H_

#include <functional>

#include "absl/status/statusor.h"
#include "nas/multi_trial/trial.h"

namespace nas {

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual TrialOutcome evaluate(const TrialRequest& trial) = 0;
};

class InProcessEvaluator : public Evaluator {
 public:
  using Fn = std::function<absl::StatusOr<TrialReport>(const TrialRequest&)>;
  explicit InProcessEvaluator(Fn fn) : fn_(std::move(fn)) {}

  TrialOutcome evaluate(const TrialRequest& trial) override;

 private:
  Fn fn_;
};

}  // namespace nas

#endif  // NAS_MULTI_TRIAL_EVALUATOR_H_
