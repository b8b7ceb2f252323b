#include "algorithms/spos/rank_pool.h"

#include <chrono>
#include <cstring>

#include <torch/types.h>

#include "absl/strings/str_cat.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"

namespace nas::spos {

RankPool::RankPool(Distributed* dist, EvaluateFn evaluate)
    : dist_(dist), evaluate_(std::move(evaluate)) {
  if (dist_->world_size() > 1 && dist_->is_main())
    dispatcher_ = std::thread([this] { dispatch_loop(); });
}

RankPool::~RankPool() { stop(); }

absl::StatusOr<CandidateScore> RankPool::evaluate(const Json& parameters) {
  if (dist_->world_size() == 1) return evaluate_(parameters);
  Request request{parameters, {}};
  std::future<absl::StatusOr<CandidateScore>> result = request.result.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return absl::CancelledError("the rank pool is stopped");
    queue_.push_back(&request);
  }
  cv_.notify_all();
  return result.get();
}

void RankPool::stop() {
  if (dist_->world_size() == 1 || !dist_->is_main()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (dispatcher_.joinable()) dispatcher_.join();
}

// Wire format of a round: a header {count, bytes} (int64; count -1 = stop),
// the candidates as one JSON array (uint8), then the scores, each rank
// filling its own row, summed by an all-reduce.
absl::StatusOr<std::optional<std::vector<Json>>> RankPool::exchange(
    const std::vector<Json>* batch) {
  std::optional<std::vector<Json>> received;
  NAS_RETURN_IF_ERROR(CatchExceptions([&] {
    at::Tensor header = torch::zeros({2}, torch::kLong);
    std::string bytes;
    if (dist_->is_main()) {
      if (batch != nullptr) bytes = Json(*batch).dump();
      header[0] = batch == nullptr ? int64_t{-1} : static_cast<int64_t>(batch->size());
      header[1] = static_cast<int64_t>(bytes.size());
    }
    dist_->broadcast({header}, 0);
    if (header[0].item<int64_t>() < 0) return absl::OkStatus();
    at::Tensor payload = torch::zeros({header[1].item<int64_t>()}, torch::kUInt8);
    if (dist_->is_main()) std::memcpy(payload.data_ptr(), bytes.data(), bytes.size());
    dist_->broadcast({payload}, 0);
    received =
        Json::parse(std::string(static_cast<const char*>(payload.data_ptr()), payload.numel()))
            .get<std::vector<Json>>();
    return absl::OkStatus();
  }));
  return received;
}

absl::StatusOr<at::Tensor> RankPool::score(const std::vector<Json>& batch) {
  const int world = dist_->world_size();
  const int rank = dist_->rank();
  at::Tensor scores = torch::zeros({world, 4}, torch::kDouble);
  if (rank < static_cast<int>(batch.size())) {
    absl::StatusOr<CandidateScore> result = evaluate_(batch[rank]);
    if (result.ok()) {
      scores[rank][0] = 1.0;
      scores[rank][1] = result->accuracy;
      scores[rank][2] = result->loss;
      scores[rank][3] = static_cast<double>(result->examples);
    } else {
      LOG(WARNING) << "rank " << rank
                   << ": candidate evaluation failed: " << result.status().message();
    }
  }
  NAS_RETURN_IF_ERROR(CatchExceptions([&] {
    dist_->all_reduce_mean({scores});
    scores.mul_(world);
    return absl::OkStatus();
  }));
  return scores;
}

void RankPool::dispatch_loop() {
  while (true) {
    std::vector<Request*> taken;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) break;
      // Give the driver a moment to hand in a full round.
      cv_.wait_for(lock, std::chrono::milliseconds(50), [&] {
        return stopping_ || static_cast<int>(queue_.size()) >= dist_->world_size();
      });
      while (!queue_.empty() && static_cast<int>(taken.size()) < dist_->world_size()) {
        taken.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    std::vector<Json> batch;
    for (Request* r : taken) batch.push_back(r->parameters);
    absl::Status sent = exchange(&batch).status();
    absl::StatusOr<at::Tensor> scores = sent.ok() ? score(batch) : absl::StatusOr<at::Tensor>(sent);
    for (size_t i = 0; i < taken.size(); ++i) {
      if (!scores.ok()) {
        taken[i]->result.set_value(scores.status());
      } else if ((*scores)[i][0].item<double>() < 0.5) {
        taken[i]->result.set_value(
            absl::InternalError(absl::StrCat("evaluation failed on rank ", i)));
      } else {
        CandidateScore result;
        result.accuracy = (*scores)[i][1].item<double>();
        result.loss = (*scores)[i][2].item<double>();
        result.examples = static_cast<int64_t>((*scores)[i][3].item<double>());
        taken[i]->result.set_value(result);
      }
    }
  }
  // Tell the followers to return.
  absl::Status stopped = exchange(nullptr).status();
  if (!stopped.ok()) LOG(WARNING) << "could not stop the other ranks: " << stopped.message();
}

absl::Status RankPool::serve() {
  if (dist_->is_main())
    return absl::FailedPreconditionError("RankPool::serve() is for ranks other than 0");
  while (true) {
    NAS_ASSIGN_OR_RETURN(std::optional<std::vector<Json>> batch, exchange(nullptr));
    if (!batch.has_value()) return absl::OkStatus();
    NAS_RETURN_IF_ERROR(score(*batch).status());
  }
}

}  // namespace nas::spos
