#include "nas/multi_trial/tuner_driver.h"

#include <atomic>
#include <cmath>
#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "nas/base/file.h"
#include "nas/base/json_lines.h"
#include "nas/core/architecture.h"
#include "nas/core/parameters.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

std::string Dir(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

// 6 layer choices of 4 candidates and an input choice picking 2 of 4; the
// score counts decisions equal to a hidden target (optimum 7).
SearchSpace Space() {
  std::vector<ChoiceSpec> choices;
  for (int i = 0; i < 6; ++i) {
    choices.push_back(
        {"op" + std::to_string(i), MutableKind::kLayerChoice, {"a", "b", "c", "d"}, std::nullopt});
  }
  choices.push_back({"skip", MutableKind::kInputChoice, {"op0", "op1", "op2", "op3"}, 2});
  return SearchSpace(choices);
}

double Score(const Json& params) {
  double score = 0;
  for (int i = 0; i < 6; ++i)
    score += params["op" + std::to_string(i)]["_idx"].get<int>() == (i * 3) % 4;
  auto idx = params["skip"]["_idx"].get<std::vector<int>>();
  std::sort(idx.begin(), idx.end());
  score += idx == std::vector<int>{1, 3};
  return score;
}

InProcessEvaluator ScoreEvaluator() {
  return InProcessEvaluator([](const TrialRequest& trial) -> absl::StatusOr<TrialReport> {
    TrialReport report;
    report.final_value = Score(trial.parameters);
    report.metrics = {{"seed", trial.seed}};
    return report;
  });
}

std::unique_ptr<Tuner> Evolution(uint64_t seed) {
  TunerConfig config;
  config.seed = seed;
  config.options = {{"population_size", 20}, {"sample_size", 5}};
  return *(*TunerRegistry().Lookup("evolution"))(config);
}

Json Config(uint64_t seed) { return {{"tuner", "evolution"}, {"seed", seed}}; }

TunerDriverOptions Options(const std::string& dir, int64_t max_trials) {
  TunerDriverOptions options;
  options.output_dir = Dir(dir);
  options.max_trials = max_trials;
  options.seed = 5;
  return options;
}

// The history without its clocks and resume markers: what must be equal
// between an interrupted and an uninterrupted search.
std::vector<Json> Comparable(const std::string& dir) {
  auto records = ReadSearchHistory(Dir(dir));
  EXPECT_OK(records);
  std::vector<Json> out;
  for (Json r : *records) {
    if (r["event"] == "resumed") continue;
    for (const char* key : {"time", "start_time", "end_time", "duration_s", "elapsed_s"})
      r.erase(key);
    out.push_back(r);
  }
  return out;
}

TEST(TunerDriverTest, EvolutionFindsTheOptimumAndWritesEverything) {
  auto tuner = Evolution(1);
  InProcessEvaluator evaluator = ScoreEvaluator();
  auto summary = RunSearch(Options("full", 300), Space(), Config(1), tuner.get(), &evaluator);
  ASSERT_OK(summary);
  EXPECT_EQ(summary->proposed, 300);
  EXPECT_EQ(summary->succeeded, 300);
  EXPECT_EQ(summary->best_value, 7);
  // best_architecture.json is the best trial's architecture.
  auto best = ReadArchitecture(JoinPath(Dir("full"), "best_architecture.json"));
  ASSERT_OK(best);
  EXPECT_EQ(best->to_json(),
            ArchitectureFromParameters(summary->best_parameters, Space())->to_json());
  auto written = ReadJsonFile(JoinPath(Dir("full"), "summary.json"));
  ASSERT_OK(written);
  EXPECT_EQ((*written)["best_value"], 7);
  EXPECT_EQ((*written)["best_trial"], summary->best_trial);
  // One search line, then proposed/finished pairs with the trial's data.
  auto history = ReadSearchHistory(Dir("full"));
  ASSERT_EQ(history->size(), 601u);
  EXPECT_EQ((*history)[0]["event"], "search");
  EXPECT_EQ((*history)[0]["search_space"], Space().to_json());
  const Json& finished = (*history)[2];
  EXPECT_EQ(finished["event"], "finished");
  EXPECT_EQ(finished["status"], "succeeded");
  EXPECT_EQ(finished["value"], Score((*history)[1]["parameters"]));
  EXPECT_EQ(finished["metrics"]["seed"], TrialSeed(5, 0));
  EXPECT_GE(finished["end_time"].get<double>(), finished["start_time"].get<double>());
}

TEST(TunerDriverTest, SameSeedSameHistory) {
  for (const char* dir : {"det_a", "det_b"}) {
    auto tuner = Evolution(3);
    InProcessEvaluator evaluator = ScoreEvaluator();
    ASSERT_OK(RunSearch(Options(dir, 40), Space(), Config(3), tuner.get(), &evaluator));
  }
  EXPECT_EQ(Comparable("det_a"), Comparable("det_b"));
}

// A search killed while trial 17 ran (its "proposed" line written, a torn
// line after it) and then resumed writes what an uninterrupted one writes.
TEST(TunerDriverTest, ResumeAfterAKillEqualsAnUninterruptedSearch) {
  {
    auto tuner = Evolution(2);
    InProcessEvaluator evaluator = ScoreEvaluator();
    ASSERT_OK(RunSearch(Options("whole", 60), Space(), Config(2), tuner.get(), &evaluator));
  }
  auto lines = ReadSearchHistory(Dir("whole"));
  std::string prefix;
  for (size_t i = 0; i < 1 + 2 * 17 + 1; ++i) prefix += (*lines)[i].dump() + "\n";
  prefix += "{\"event\":\"finished\",\"tri";  // killed mid-write
  ASSERT_OK(WriteFileAtomically(JoinPath(Dir("killed"), "history.jsonl"), prefix));

  std::set<int64_t> evaluated;
  InProcessEvaluator counting([&](const TrialRequest& trial) -> absl::StatusOr<TrialReport> {
    evaluated.insert(trial.id);
    TrialReport report;
    report.final_value = Score(trial.parameters);
    report.metrics = {{"seed", trial.seed}};
    return report;
  });
  auto tuner = Evolution(2);
  TunerDriverOptions options = Options("killed", 60);
  options.resume = true;
  auto summary = RunSearch(options, Space(), Config(2), tuner.get(), &counting);
  ASSERT_OK(summary);
  EXPECT_EQ(*evaluated.begin(), 17);  // the running trial reran, no finished one did
  EXPECT_EQ(evaluated.size(), 60u - 17u);
  EXPECT_EQ(Comparable("killed"), Comparable("whole"));
  auto resumed = ReadSearchHistory(Dir("killed"));
  EXPECT_EQ((*resumed)[36]["event"], "resumed");
  EXPECT_EQ((*resumed)[36]["rerun"], Json::array({17}));

  // Resuming a finished search with a larger budget extends it.
  options.max_trials = 70;
  auto more = RunSearch(options, Space(), Config(2), Evolution(2).get(), &counting);
  ASSERT_OK(more);
  EXPECT_EQ(more->proposed, 70);
  EXPECT_EQ(evaluated.size(), 70u - 17u);
}

TEST(TunerDriverTest, RunsTrialsInParallel) {
  std::atomic<int> running{0}, peak{0};
  InProcessEvaluator slow([&](const TrialRequest& trial) -> absl::StatusOr<TrialReport> {
    int now = ++running;
    int expected = peak.load();
    while (now > expected && !peak.compare_exchange_weak(expected, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    --running;
    TrialReport report;
    report.final_value = Score(trial.parameters);
    return report;
  });
  TunerDriverOptions options = Options("parallel", 12);
  options.parallel = 4;
  auto start = std::chrono::steady_clock::now();
  auto summary = RunSearch(options, Space(), Config(1), Evolution(1).get(), &slow);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_OK(summary);
  EXPECT_EQ(summary->succeeded, 12);
  EXPECT_EQ(peak.load(), 4);
  EXPECT_LT(seconds, 0.9);  // 12 x 0.1 s in 3 waves, not 1.2 s in a row
  // The history's timestamps show 4 trials overlapping.
  std::vector<std::pair<double, double>> spans;
  auto history = ReadSearchHistory(Dir("parallel"));
  for (const Json& r : *history) {
    if (r["event"] == "finished") spans.push_back({r["start_time"], r["end_time"]});
  }
  int max_overlap = 0;
  for (const auto& [s, e] : spans) {
    double mid = (s + e) / 2;
    int overlap = 0;
    for (const auto& [s2, e2] : spans) overlap += s2 <= mid && mid <= e2;
    max_overlap = std::max(max_overlap, overlap);
  }
  EXPECT_EQ(max_overlap, 4);
}

TEST(TunerDriverTest, FailedTrialsAreRecordedAndTheSearchGoesOn) {
  InProcessEvaluator flaky([](const TrialRequest& trial) -> absl::StatusOr<TrialReport> {
    if (trial.id == 2) return absl::InternalError("out of memory");
    if (trial.id == 5) throw std::runtime_error("segfault-ish");
    TrialReport report;
    report.final_value = Score(trial.parameters);
    return report;
  });
  auto summary = RunSearch(Options("flaky", 10), Space(), Config(1), Evolution(1).get(), &flaky);
  ASSERT_OK(summary);
  EXPECT_EQ(summary->succeeded, 8);
  EXPECT_EQ(summary->failed, 2);
  auto history = ReadSearchHistory(Dir("flaky"));
  const Json& failed = (*history)[6];
  EXPECT_EQ(failed["trial"], 2);
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_TRUE(failed["value"].is_null());
  EXPECT_EQ(failed["message"], "out of memory");
  EXPECT_EQ((*history)[12]["message"], "segfault-ish");
}

TEST(TunerDriverTest, StopsAfterTooManyFailuresInARow) {
  InProcessEvaluator broken([](const TrialRequest&) -> absl::StatusOr<TrialReport> {
    return absl::NotFoundError("trial.py: no such file");
  });
  TunerDriverOptions options = Options("broken", 100);
  options.max_consecutive_failures = 3;
  auto summary = RunSearch(options, Space(), Config(1), Evolution(1).get(), &broken);
  ASSERT_THAT(
      summary,
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("3 trials failed in a row, stopping the search; the last one, trial 2: "
                         "trial.py: no such file")));
  EXPECT_TRUE(FileExists(JoinPath(Dir("broken"), "summary.json")));
}

TEST(TunerDriverTest, TimeBudgetStopsProposing) {
  InProcessEvaluator slow([](const TrialRequest&) -> absl::StatusOr<TrialReport> {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return TrialReport{1, {}, Json::object()};
  });
  TunerDriverOptions options = Options("timed", 1000);
  options.max_duration_seconds = 0.3;
  auto summary = RunSearch(options, Space(), Config(1), Evolution(1).get(), &slow);
  ASSERT_OK(summary);
  EXPECT_GE(summary->proposed, 4);
  EXPECT_LE(summary->proposed, 8);
}

// Proposes two architectures, then says it has nothing left.
class TwoShotTuner : public Tuner {
 public:
  absl::Status update_search_space(const SearchSpace& space) override {
    space_ = space;
    return absl::OkStatus();
  }
  absl::StatusOr<Json> generate_parameters(int64_t id) override {
    if (id >= 2) return absl::OutOfRangeError("only two");
    Architecture arch;
    return ParametersFromArchitecture(*Architecture::from_json({{"op0", "a"},
                                                                {"op1", "a"},
                                                                {"op2", "a"},
                                                                {"op3", "a"},
                                                                {"op4", "a"},
                                                                {"op5", id == 0 ? "a" : "b"},
                                                                {"skip", {"op0", "op1"}}}),
                                      space_);
  }
  absl::Status receive_trial_result(int64_t, const Json&, double) override {
    return absl::OkStatus();
  }

 private:
  SearchSpace space_;
};

TEST(TunerDriverTest, AnExhaustedTunerEndsTheSearch) {
  TwoShotTuner tuner;
  InProcessEvaluator evaluator = ScoreEvaluator();
  auto summary = RunSearch(Options("exhausted", 10), Space(), Config(1), &tuner, &evaluator);
  ASSERT_OK(summary);
  EXPECT_EQ(summary->proposed, 2);
  EXPECT_TRUE(summary->tuner_exhausted);
}

TEST(TunerDriverTest, RefusesToMixSearches) {
  InProcessEvaluator evaluator = ScoreEvaluator();
  ASSERT_OK(RunSearch(Options("mix", 5), Space(), Config(1), Evolution(1).get(), &evaluator));
  // Without resume an existing history is never overwritten.
  auto again = RunSearch(Options("mix", 5), Space(), Config(1), Evolution(1).get(), &evaluator);
  ASSERT_THAT(again, StatusIs(absl::StatusCode::kFailedPrecondition,
                              HasSubstr("already holds a search; resume it (--resume)")));
  TunerDriverOptions options = Options("mix", 5);
  options.resume = true;
  auto other = RunSearch(options, Space(), Config(9), Evolution(9).get(), &evaluator);
  ASSERT_THAT(other, StatusIs(absl::StatusCode::kFailedPrecondition,
                              HasSubstr("belongs to another search")));
  std::vector<ChoiceSpec> choices = {{"op0", MutableKind::kLayerChoice, {"a", "b"}, std::nullopt}};
  auto space = RunSearch(options, SearchSpace(choices), Config(1), Evolution(1).get(), &evaluator);
  ASSERT_THAT(space,
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("another search space")));
}

TEST(TunerDriverTest, CorruptHistoryIsReportedWithItsLine) {
  InProcessEvaluator evaluator = ScoreEvaluator();
  TunerDriverOptions options = Options("corrupt", 5);
  std::string path = JoinPath(Dir("corrupt"), "history.jsonl");
  ASSERT_OK(RunSearch(options, Space(), Config(1), Evolution(1).get(), &evaluator));
  options.resume = true;
  std::string text = *ReadFile(path);
  ASSERT_OK(WriteFileAtomically(
      path, text.substr(0, text.find('\n') + 1) + "garbage\n" + text.substr(text.find('\n') + 1)));
  auto s = RunSearch(options, Space(), Config(1), Evolution(1).get(), &evaluator);
  ASSERT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("history.jsonl:2: malformed JSON")));

  ASSERT_OK(WriteFileAtomically(
      path, text + "{\"event\":\"finished\",\"trial\":99,\"status\":\"succeeded\"}\n"));
  s = RunSearch(options, Space(), Config(1), Evolution(1).get(), &evaluator);
  ASSERT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr(":12: trial 99 finished but was not running")));
}

TEST(TunerDriverTest, NoTrialSucceededIsAnError) {
  InProcessEvaluator broken([](const TrialRequest&) -> absl::StatusOr<TrialReport> {
    return absl::NotFoundError("trial.py: no such file");
  });
  auto summary =
      RunSearch(Options("none_succeeded", 3), Space(), Config(1), Evolution(1).get(), &broken);
  EXPECT_THAT(summary, StatusIs(absl::StatusCode::kFailedPrecondition,
                                HasSubstr("no trial succeeded (3 failed; the last one, trial 2: "
                                          "trial.py: no such file)")));
  EXPECT_TRUE(FileExists(JoinPath(Dir("none_succeeded"), "summary.json")));
}

TEST(TunerDriverTest, ResumeWithoutAHistoryIsAnError) {
  InProcessEvaluator evaluator = ScoreEvaluator();
  TunerDriverOptions options = Options("no_history", 3);
  options.resume = true;
  EXPECT_THAT(
      RunSearch(options, Space(), Config(1), Evolution(1).get(), &evaluator),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("there is no search to resume")));
  EXPECT_FALSE(FileExists(JoinPath(Dir("no_history"), "summary.json")));
}

// The evaluator's own failure (a full disk writing a trial's parameters)
// stops the search; the trial is not blamed, and a resume runs it.
class FullDiskEvaluator : public Evaluator {
 public:
  TrialOutcome evaluate(const TrialRequest& trial) override {
    TrialOutcome outcome;
    if (full && trial.id == 2) {
      outcome.message = "cannot write trials/000002/parameters.json: No space left on device";
      outcome.driver_error = true;
      return outcome;
    }
    outcome.status = TrialStatus::kSucceeded;
    outcome.report.final_value = Score(trial.parameters);
    return outcome;
  }
  bool full = true;
};

TEST(TunerDriverTest, TheDriversOwnErrorsAreNotTheTrials) {
  FullDiskEvaluator evaluator;
  TunerDriverOptions options = Options("full_disk", 4);
  auto summary = RunSearch(options, Space(), Config(1), Evolution(1).get(), &evaluator);
  EXPECT_THAT(summary, StatusIs(absl::StatusCode::kInternal,
                                HasSubstr("trial 2 could not be run: cannot write "
                                          "trials/000002/parameters.json: No space left")));
  auto history = ReadSearchHistory(Dir("full_disk"));
  ASSERT_OK(history);
  for (const Json& record : *history) {
    EXPECT_FALSE(record["event"] == "finished" && record["trial"] == 2) << record.dump();
  }
  evaluator.full = false;
  options.resume = true;
  summary = RunSearch(options, Space(), Config(1), Evolution(1).get(), &evaluator);
  ASSERT_OK(summary);
  EXPECT_EQ(summary->succeeded, 4);
  EXPECT_EQ(summary->failed, 0);
}

// Like the policy-gradient and SPOS tuners, rejects a result for a trial it
// never proposed or that already ended. When generational, proposes two at
// a time and waits (Unavailable) until both have ended.
class StrictTuner : public Tuner {
 public:
  explicit StrictTuner(bool generational = false) : generational_(generational) {}
  absl::Status update_search_space(const SearchSpace& space) override {
    space_ = space;
    return absl::OkStatus();
  }
  absl::StatusOr<Json> generate_parameters(int64_t id) override {
    int64_t previous = id / 2 * 2 - 2;  // the previous generation: previous, previous + 1
    if (generational_ &&
        (outstanding_.count(previous) != 0 || outstanding_.count(previous + 1) != 0)) {
      return absl::UnavailableError("generation not complete");
    }
    outstanding_.insert(id);
    Json arch = {{"skip", {"op0", "op1"}}};
    for (int i = 0; i < 6; ++i)
      arch["op" + std::to_string(i)] = std::string(1, "abcd"[(id + i) % 4]);
    return ParametersFromArchitecture(*Architecture::from_json(arch), space_);
  }
  absl::Status receive_trial_result(int64_t id, const Json&, double) override {
    if (outstanding_.erase(id) == 0)
      return absl::InvalidArgumentError(absl::StrCat("no outstanding trial ", id));
    results.push_back(id);
    return absl::OkStatus();
  }
  void trial_end(int64_t id, bool success) override {
    if (!success) outstanding_.erase(id);
  }
  std::vector<int64_t> results;  // in the order they arrived

 private:
  bool generational_;
  SearchSpace space_;
  std::set<int64_t> outstanding_;
};

// Trials in `killed` are killed from outside (as ProcessEvaluator reports a
// scancel); trials in `broken` fail on their own.
class KillingEvaluator : public Evaluator {
 public:
  TrialOutcome evaluate(const TrialRequest& trial) override {
    evaluated.push_back(trial.id);
    TrialOutcome outcome;
    if (killed.count(trial.id) != 0) {
      outcome.message = "exited with code 143: killed by signal 15 (Terminated) from outside";
      outcome.interrupted = true;
    } else if (broken.count(trial.id) != 0) {
      outcome.message = "exited with code 3";
    } else {
      outcome.status = TrialStatus::kSucceeded;
      outcome.report.final_value = Score(trial.parameters);
    }
    return outcome;
  }
  std::set<int64_t> killed, broken;
  std::vector<int64_t> evaluated;
};

std::vector<Json> Finished(const std::string& dir, int64_t trial) {
  std::vector<Json> out;
  auto history = ReadSearchHistory(Dir(dir));
  EXPECT_OK(history);
  for (const Json& r : *history) {
    if (r["event"] == "finished" && r["trial"] == trial) out.push_back(r);
  }
  return out;
}

TEST(TunerDriverTest, TrialsKilledFromOutsideAreFailedAndRerunOnResume) {
  KillingEvaluator evaluator;
  evaluator.killed = {3, 5};
  evaluator.broken = {4};
  TunerDriverOptions options = Options("killed_trials", 8);
  StrictTuner first;
  auto summary = RunSearch(options, Space(), Config(1), &first, &evaluator);
  ASSERT_OK(summary);
  EXPECT_EQ(summary->succeeded, 5);
  EXPECT_EQ(summary->failed, 3);
  EXPECT_EQ(summary->interrupted, 2);
  // Recorded as failed, marked; an ordinary failure is not marked.
  ASSERT_EQ(Finished("killed_trials", 3).size(), 1u);
  const Json killed = Finished("killed_trials", 3)[0];
  EXPECT_EQ(killed["status"], "failed");
  EXPECT_EQ(killed["interrupted"], true);
  EXPECT_THAT(killed["message"].get<std::string>(), HasSubstr("killed by signal 15"));
  EXPECT_FALSE(Finished("killed_trials", 4)[0].contains("interrupted"));
  EXPECT_FALSE(Finished("killed_trials", 0)[0].contains("interrupted"));
  EXPECT_EQ((*ReadJsonFile(JoinPath(Dir("killed_trials"), "summary.json")))["interrupted"], 2);
  // The tuner never heard of the killed trials.
  EXPECT_EQ(first.results, (std::vector<int64_t>{0, 1, 2, 6, 7}));

  // The resume reruns the killed trials first, not the broken one, and the
  // tuner accepts their results.
  evaluator.killed.clear();
  evaluator.evaluated.clear();
  options.resume = true;
  options.max_trials = 10;
  StrictTuner second;
  summary = RunSearch(options, Space(), Config(1), &second, &evaluator);
  ASSERT_OK(summary);
  EXPECT_EQ(summary->succeeded, 9);
  EXPECT_EQ(summary->failed, 1);
  EXPECT_EQ(summary->interrupted, 0);
  EXPECT_EQ(evaluator.evaluated, (std::vector<int64_t>{3, 5, 8, 9}));  // parallel = 1
  auto history = ReadSearchHistory(Dir("killed_trials"));
  Json resumed;
  for (const Json& r : *history) {
    if (r["event"] == "resumed") resumed = r;
  }
  EXPECT_EQ(resumed["rerun"], Json::array({3, 5}));
  ASSERT_EQ(Finished("killed_trials", 3).size(), 2u);
  EXPECT_EQ(Finished("killed_trials", 3)[1]["status"], "succeeded");
  EXPECT_FALSE(Finished("killed_trials", 3)[1].contains("interrupted"));

  // Nothing is left to rerun.
  evaluator.evaluated.clear();
  StrictTuner third;
  summary = RunSearch(options, Space(), Config(1), &third, &evaluator);
  ASSERT_OK(summary);
  EXPECT_TRUE(evaluator.evaluated.empty());
  EXPECT_EQ(summary->succeeded, 9);
  EXPECT_EQ(third.results.size(), 9u);
}

// A tuner waiting for a killed trial, with nothing else running, cannot go
// on: the run ends naming the trial, and a resume completes the search.
TEST(TunerDriverTest, ATunerWaitingForAKilledTrialStopsTheRunUntilAResume) {
  KillingEvaluator evaluator;
  evaluator.killed = {1};
  TunerDriverOptions options = Options("waits_for_killed", 6);
  StrictTuner first(/*generational=*/true);
  EXPECT_THAT(RunSearch(options, Space(), Config(1), &first, &evaluator),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("the trials it waits for were killed from outside the search "
                                 "(1); --resume runs them again")));
  evaluator.killed.clear();
  evaluator.evaluated.clear();
  options.resume = true;
  StrictTuner second(/*generational=*/true);
  auto summary = RunSearch(options, Space(), Config(1), &second, &evaluator);
  ASSERT_OK(summary);
  EXPECT_EQ(summary->succeeded, 6);
  EXPECT_EQ(evaluator.evaluated, (std::vector<int64_t>{1, 2, 3, 4, 5}));
}

TEST(TunerDriverTest, AnInterruptedTrialMustHaveFailed) {
  InProcessEvaluator evaluator = ScoreEvaluator();
  TunerDriverOptions options = Options("interrupted_success", 2);
  ASSERT_OK(RunSearch(options, Space(), Config(1), Evolution(1).get(), &evaluator));
  std::string path = JoinPath(Dir("interrupted_success"), "history.jsonl");
  std::string text = *ReadFile(path);
  size_t at = text.find("\"status\":\"succeeded\"");
  ASSERT_NE(at, std::string::npos);
  text.insert(at, "\"interrupted\":true,");
  ASSERT_OK(WriteFileAtomically(path, text));
  options.resume = true;
  EXPECT_THAT(RunSearch(options, Space(), Config(1), Evolution(1).get(), &evaluator),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("history.jsonl:3: trial 0 is interrupted but succeeded")));
}

TEST(TunerDriverTest, RejectsBadOptions) {
  InProcessEvaluator evaluator = ScoreEvaluator();
  TunerDriverOptions options = Options("bad", 0);
  EXPECT_THAT(RunSearch(options, Space(), Config(1), Evolution(1).get(), &evaluator),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_trials must be >= 1")));
  options = Options("bad", 5);
  options.parallel = 0;
  EXPECT_THAT(
      ValidateTunerDriverOptions(options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("parallel must be in [1, 1024]")));
  options = Options("bad", 5);
  options.max_duration_seconds = std::nan("");
  EXPECT_THAT(ValidateTunerDriverOptions(options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("max_duration must be a finite number >= 0")));
  options = Options("", 5);
  options.output_dir = "";
  EXPECT_THAT(ValidateTunerDriverOptions(options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("the search needs an output directory")));
}

}  // namespace
}  // namespace nas
