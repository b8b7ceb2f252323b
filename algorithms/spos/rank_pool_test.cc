// RankPool with two ranks in one process (a thread each, a real c10d group):
// concurrent callers on rank 0 each get their own candidate's score, both
// ranks evaluate, a failed evaluation reaches only its caller, and stop()
// ends the other rank's serve(). Also run under --config=tsan
// (docs/robustness.md).
#include "algorithms/spos/rank_pool.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "nas/base/free_port.h"
#include "nas/testing/status_matchers.h"

namespace nas::spos {
namespace {

using ::testing::HasSubstr;

TEST(RankPoolTest, TwoRanksScoreConcurrentCandidatesEach) {
  const int port = FreeLocalPort();
  ASSERT_GT(port, 0);
  std::atomic<int> evaluated[2] = {0, 0};
  auto evaluator = [&](int rank) {
    return [&, rank](const Json& p) -> absl::StatusOr<CandidateScore> {
      ++evaluated[rank];
      if (p.value("fail", false)) return absl::InternalError("this candidate fails");
      CandidateScore s;
      s.accuracy = p["x"].get<double>() / 100;
      s.loss = p["x"].get<double>();
      s.examples = 10;
      return s;
    };
  };
  absl::Status served = absl::UnknownError("not run");
  std::thread follower([&] {
    DistributedEnv env;
    env.rank = 1;
    env.world_size = 2;
    env.master_port = port;
    auto dist = Distributed::Create(env, std::chrono::seconds(30));
    if (!dist.ok()) {
      served = dist.status();
      return;
    }
    RankPool pool(dist->get(), evaluator(1));
    served = pool.serve();
  });
  DistributedEnv env;
  env.world_size = 2;
  env.master_port = port;
  auto dist = Distributed::Create(env, std::chrono::seconds(30));
  ASSERT_OK(dist.status());
  {
    RankPool pool(dist->get(), evaluator(0));
    constexpr int kCallers = 6, kEach = 5;
    std::vector<std::thread> callers;
    std::atomic<int> wrong = 0, failed_as_expected = 0;
    for (int c = 0; c < kCallers; ++c) {
      callers.emplace_back([&, c] {
        for (int i = 0; i < kEach; ++i) {
          const int x = c * kEach + i;
          const bool fail = x % 7 == 3;
          absl::StatusOr<CandidateScore> s = pool.evaluate({{"x", x}, {"fail", fail}});
          if (fail) {
            if (!s.ok() && absl::StrContains(s.status().message(), "evaluation failed on rank")) {
              ++failed_as_expected;
            }
          } else if (!s.ok() || s->accuracy != x / 100.0 || s->loss != x || s->examples != 10) {
            ++wrong;
          }
        }
      });
    }
    for (std::thread& t : callers) t.join();
    EXPECT_EQ(wrong, 0);
    EXPECT_EQ(failed_as_expected, 4);  // x = 3, 10, 17, 24
    pool.stop();
    EXPECT_THAT(pool.evaluate({{"x", 1}}).status().message(), HasSubstr("stopped"));
    EXPECT_THAT(pool.serve().message(), HasSubstr("for ranks other than 0"));
  }
  follower.join();
  EXPECT_OK(served);
  EXPECT_EQ(evaluated[0] + evaluated[1], 30);
  EXPECT_GT(evaluated[1], 0) << "rank 1 scored nothing";
}

TEST(RankPoolTest, OneRankEvaluatesInline) {
  DistributedEnv env;
  auto dist = Distributed::Create(env);
  ASSERT_OK(dist.status());
  RankPool pool(dist->get(), [](const Json& p) -> absl::StatusOr<CandidateScore> {
    CandidateScore s;
    s.accuracy = p["x"].get<double>();
    return s;
  });
  absl::StatusOr<CandidateScore> s = pool.evaluate({{"x", 0.5}});
  ASSERT_OK(s.status());
  EXPECT_EQ(s->accuracy, 0.5);
  pool.stop();
}

}  // namespace
}  // namespace nas::spos
