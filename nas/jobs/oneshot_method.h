// One-shot methods as plugins: "search this space within this budget and
// return an architecture", registered by name so that a comparison (the
// benchmark, //tools/benchmark) runs every method the binary links, a new
// package's included, without knowing them.
//
//   // my_algo/oneshot_method.cc (alwayslink = 1)
//   absl::StatusOr<nas::OneShotResult> SearchMyAlgo(const nas::OneShotRequest& request) {...}
//   NAS_REGISTER(nas::OneShotMethodRegistry(), "my_algo", nas::OneShotMethod{"...",
//   &SearchMyAlgo});
//
// A request names a registered space and its options, the data (the weights
// train on data.train, architectures are scored on data.valid; the test set
// is never seen), a budget in epochs of data.train, a seed, and a folder
// for the method's files. The result is the architecture the method
// exports and, for weight-sharing methods, a scorer that rates any
// architecture of the space on the trained supernet (BN recalibrated), so
// a comparison can measure how the supernet ranks every architecture.
#ifndef NAS_JOBS_ONESHOT_METHOD_H_
#define NAS_JOBS_ONESHOT_METHOD_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/base/registry.h"
#include "nas/core/architecture.h"
#include "nas/jobs/data.h"
#include "nas/jobs/supernet_job.h"
#include "nas/train/supernet_evaluator.h"

namespace nas {

struct OneShotRequest {
  std::string space;
  Json space_options = Json::object();
  DataOptions data;
  // Supernet training, in epochs of data.train (fractions allowed: 0.5 is
  // half an epoch's steps).
  double epochs = 1;
  // Method-specific settings ({} = the method's defaults for this budget).
  Json options = Json::object();
  uint64_t seed = 0;
  std::string output_dir;  // "" = write nothing
};

// Rates one architecture on the trained supernet: higher is better (a
// validation accuracy after BN recalibration).
using SupernetScorer = std::function<absl::StatusOr<double>(const Architecture&)>;

struct OneShotResult {
  Architecture architecture;
  // Empty for methods that keep no supernet worth scoring with.
  SupernetScorer score;
  double seconds = 0;             // wall time of the search
  Json details = Json::object();  // the method's own numbers (for reports)
};

struct OneShotMethod {
  std::string description;
  std::function<absl::StatusOr<OneShotResult>(const OneShotRequest&)> search;
};

Registry<OneShotMethod>& OneShotMethodRegistry();

// The shared supernet job's options for a request (space, data, seed, and
// the budget as budget_epochs), with the trainer's defaults for the rest.
SupernetJobOptions OneShotJobOptions(const OneShotRequest& request);

// The scorer most weight-sharing methods return: `mutator` (bound to the
// trained supernet of `result`) set to the architecture, BN recalibrated on
// data.train, accuracy on data.valid (SupernetEvaluator). It keeps the
// search, the supernet and its own loaders alive.
SupernetScorer MakeSupernetScorer(const SupernetJobResult& result, Mutator* mutator,
                                  SupernetEvaluationOptions evaluation);

}  // namespace nas

#endif  // NAS_JOBS_ONESHOT_METHOD_H_
