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
#include <utility>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/base/registry.h"
#include "nas/base/status.h"
#include "nas/core/architecture.h"
#include "nas/core/parameters.h"
#include "nas/jobs/data.h"
#include "nas/jobs/supernet_job.h"
#include "nas/jobs/supernet_search.h"
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
  // How the returned scorer rates an architecture (the same for every
  // method of a comparison; a method's own search may score differently).
  SupernetEvaluationOptions scoring = DefaultScoring();
  uint64_t seed = 0;
  // The train / valid split of data (a benchmark's: the table's trials used
  // it too).
  uint64_t split_seed = 0;
  std::string output_dir;  // "" = write nothing (methods that keep a
                           // search history need one)

  // 4 recalibration batches, 8 scoring batches.
  static SupernetEvaluationOptions DefaultScoring();
};

// Rates one architecture on the trained supernet: higher is better (a
// validation accuracy after BN recalibration).
using SupernetScorer = std::function<absl::StatusOr<double>(const Architecture&)>;

struct OneShotResult {
  Architecture architecture;
  // Empty for methods that keep no supernet worth scoring with.
  SupernetScorer score;
  Json details = Json::object();  // the method's own numbers (for reports)
};

struct OneShotMethod {
  using SearchFn = std::function<absl::StatusOr<OneShotResult>(const OneShotRequest&)>;
  OneShotMethod() = default;
  OneShotMethod(std::string description, SearchFn search, std::string parent = "")
      : description(std::move(description)), search(std::move(search)), parent(std::move(parent)) {}

  std::string description;
  SearchFn search;
  // The registered method this one fixes ("" = none): a comparison shows a
  // fix beside its parent, with the difference it makes.
  std::string parent;
};

Registry<OneShotMethod>& OneShotMethodRegistry();

// The shared supernet job's options for a request (space, data, seed, and
// the budget as budget_epochs), with the trainer's defaults for the rest.
SupernetJobOptions OneShotJobOptions(const OneShotRequest& request);

// The scorer most weight-sharing methods return: the trained search's
// mutator (Trainer::mutator(), bound to the supernet) set to the
// architecture, BN statistics re-estimated on data.train, accuracy on
// data.valid (SupernetEvaluator). It keeps the search, the supernet and its
// own loaders alive. FailedPrecondition for a search without a mutator.
absl::StatusOr<SupernetScorer> MakeSupernetScorer(const SupernetJobResult& result,
                                                  SupernetEvaluationOptions evaluation);

// The method most single-path packages are: the supernet trained by
// TrainerT on the request (BasicSupernetSearch), then `search` (a
// registered tuner) over architectures scored on it (SearchOnSupernet, its
// history in <output_dir>/search); the best one found is the result.
// `method` names the method in config.json and messages.
//
//   return nas::TrainThenSearch<SposTrainer>(request, "spos", optimizer, search);
template <typename TrainerT, typename Options>
absl::StatusOr<OneShotResult> TrainThenSearch(const OneShotRequest& r, const std::string& method,
                                              Options options,
                                              const SupernetSearchOptions& search) {
  if (r.output_dir.empty()) {
    return absl::InvalidArgumentError(method +
                                      ": the request needs an output_dir (the search history)");
  }
  NAS_RETURN_IF_ERROR(CheckSupernetSearchTuner(search));
  SupernetJobOptions job = OneShotJobOptions(r);
  job.architecture_file = "";
  NAS_ASSIGN_OR_RETURN(
      SupernetJobResult trained,
      RunSupernetJob(job, Json{{"method", method}, {"options", r.options}}, r.output_dir, false,
                     BasicSupernetFactory<TrainerT>(std::move(options))));
  auto& supernet = static_cast<BasicSupernetSearch<TrainerT, Options>&>(*trained.search);
  Mutator& mutator = supernet.algorithm_trainer().mutator();
  NAS_ASSIGN_OR_RETURN(
      SearchSummary summary,
      SearchOnSupernet(search, supernet.space(), mutator, supernet.train_loader(),
                       supernet.valid_loader(), r.output_dir + "/search", false, r.seed));
  if (summary.best_trial < 0) {
    return absl::InternalError(method + ": the search scored no architecture");
  }
  OneShotResult result;
  NAS_ASSIGN_OR_RETURN(result.architecture,
                       ArchitectureFromParameters(summary.best_parameters, mutator.search_space()));
  NAS_ASSIGN_OR_RETURN(result.score, MakeSupernetScorer(trained, r.scoring));
  result.details = {{"scored", summary.succeeded},
                    {"best_supernet_accuracy", summary.best_value},
                    {"supernet_seconds", trained.seconds},
                    {"search_seconds", summary.elapsed_seconds}};
  return result;
}

}  // namespace nas

#endif  // NAS_JOBS_ONESHOT_METHOD_H_
