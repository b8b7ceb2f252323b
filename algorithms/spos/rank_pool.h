// Candidate evaluation spread over the processes of a job started with
// //tools:launch: every rank holds the supernet and the data; rank 0 runs
// the search (the tuner driver with parallel = world size) and hands each
// rank one candidate per round; the other ranks serve until told to stop.
//
//   rank 0:  RankPool pool(dist, evaluate);  ... pool.evaluate(params) from
//            the driver's threads ...;  pool.stop();
//   rank r:  RankPool pool(dist, evaluate);  pool.serve();
//
// A round: rank 0 waits briefly for up to world-size requests, broadcasts
// them (JSON), each rank evaluates the one at its index, and an all-reduce
// brings the scores back. A candidate's score does not depend on which rank
// evaluates it (same weights, same batches).
#ifndef ALGORITHMS_SPOS_RANK_POOL_H_
#define ALGORITHMS_SPOS_RANK_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <ATen/core/Tensor.h>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/train/distributed.h"
#include "nas/train/supernet_evaluator.h"

namespace nas::spos {

class RankPool {
 public:
  using EvaluateFn = std::function<absl::StatusOr<CandidateScore>(const Json& parameters)>;

  RankPool(Distributed* dist, EvaluateFn evaluate);
  ~RankPool();

  // Rank 0, any thread: the score of one candidate.
  absl::StatusOr<CandidateScore> evaluate(const Json& parameters);
  // Rank 0: ends serve() on the other ranks (idempotent; also on destruction).
  void stop();
  // Other ranks: evaluate what rank 0 sends until it stops.
  absl::Status serve();

 private:
  struct Request {
    Json parameters;
    std::promise<absl::StatusOr<CandidateScore>> result;
  };
  void dispatch_loop();
  // Rank 0 sends `batch` (nullptr: stop); every rank returns what was sent,
  // nullopt for a stop.
  absl::StatusOr<std::optional<std::vector<Json>>> exchange(const std::vector<Json>* batch);
  // Each rank scores batch[rank]; returns [batch size, 4] (ok, accuracy,
  // loss, examples) summed over ranks.
  absl::StatusOr<at::Tensor> score(const std::vector<Json>& batch);

  Distributed* dist_;
  EvaluateFn evaluate_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Request*> queue_;
  bool stopping_ = false;
  bool stopped_ = false;
  std::thread dispatcher_;
};

}  // namespace nas::spos

#endif  // ALGORITHMS_SPOS_RANK_POOL_H_
