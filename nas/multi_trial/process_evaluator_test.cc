#include "nas/multi_trial/process_evaluator.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "nas/base/file.h"
#include "nas/multi_trial/tuner_driver.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

std::string Dir(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

std::string Runfile(const std::string& path) {
  char cwd[4096];
  return JoinPath(getcwd(cwd, sizeof(cwd)), path);
}

std::string Trial() { return Runfile("nas/testing/synthetic_trial"); }

// The synthetic trial's target for a layer choice: FNV-1a(key) % 4.
int Target(const std::string& key) {
  uint32_t h = 2166136261u;
  for (unsigned char c : key) h = (h ^ c) * 16777619u;
  return static_cast<int>(h % 4);
}

// Scores 2: the layer choice hits its target, the input choice picks 0.
Json Parameters() {
  int t = Target("conv");
  return {{"conv", {{"_value", std::string(1, 'a' + t)}, {"_idx", t}}},
          {"skip", {{"_value", {"conv"}}, {"_idx", {0}}}}};
}

TrialOutcome Evaluate(ProcessEvaluatorOptions options, int64_t id, std::string dir) {
  options.trials_dir = Dir(dir);
  auto evaluator = ProcessEvaluator::Create(options);
  EXPECT_OK(evaluator);
  if (!evaluator.ok()) return {};
  return (*evaluator)->evaluate({id, Parameters(), 77});
}

ProcessEvaluatorOptions Command(const std::string& flags) {
  ProcessEvaluatorOptions options;
  options.command = Trial() + " " + flags;
  options.kill_grace_seconds = 0.5;
  return options;
}

TEST(ProcessEvaluatorTest, RunsATrialAndReadsItsReport) {
  TrialOutcome outcome = Evaluate(Command(""), 4, "ok");
  ASSERT_EQ(outcome.status, TrialStatus::kSucceeded) << outcome.message;
  EXPECT_EQ(outcome.report.final_value, 2);
  EXPECT_EQ(outcome.report.intermediate, (std::vector<double>{1, 2}));
  std::string dir = TrialDirectory(Dir("ok"), 4);
  EXPECT_EQ(dir, Dir("ok") + "/000004");
  EXPECT_EQ(*ReadJsonFile(JoinPath(dir, "parameters.json")), Parameters());
  EXPECT_THAT(*ReadFile(JoinPath(dir, "stderr.log")), HasSubstr("synthetic trial 4"));
}

TEST(ProcessEvaluatorTest, PlaceholdersAndEnvironment) {
  ProcessEvaluatorOptions options;
  options.trials_dir = "/runs/x y/trials";
  options.command =
      "./t --params={parameters} --out={result} --dir={trial_dir} --id={trial_id} --seed={seed}";
  EXPECT_EQ(TrialCommandLine(options, {12, Json::object(), 99}),
            "exec ./t --params='/runs/x y/trials/000012/parameters.json' "
            "--out='/runs/x y/trials/000012/result.json' --dir='/runs/x y/trials/000012' --id=12 "
            "--seed=99");
  options.command = "./t";
  EXPECT_EQ(TrialCommandLine(options, {3, Json::object(), 1}),
            "exec ./t --parameters='/runs/x y/trials/000003/parameters.json' "
            "--result='/runs/x y/trials/000003/result.json'");
  // Compound commands run as they are.
  options.command = "cd /tmp && ./t {parameters}";
  EXPECT_EQ(TrialCommandLine(options, {3, Json::object(), 1}),
            "cd /tmp && ./t '/runs/x y/trials/000003/parameters.json'");
  // Without flags the trial finds its files through the environment.
  options = Command("");
  options.command = Trial() + " # {result} {parameters}";  // placeholders in a comment: no flags
  TrialOutcome outcome = Evaluate(options, 1, "env");
  ASSERT_EQ(outcome.status, TrialStatus::kSucceeded) << outcome.message;
  EXPECT_EQ(outcome.report.final_value, 2);
}

TEST(ProcessEvaluatorTest, LauncherPrefixCarriesTheTrialsEnvironment) {
  std::string log = Dir("launcher.log");
  setenv("FAKE_LAUNCHER_LOG", log.c_str(), 1);
  ProcessEvaluatorOptions options = Command("# {parameters}");  // flags come from the environment
  options.launcher = Runfile("nas/testing/fake_launcher.sh");
  TrialOutcome outcome = Evaluate(options, 8, "launched");
  ASSERT_EQ(outcome.status, TrialStatus::kSucceeded) << outcome.message;
  EXPECT_EQ(outcome.report.final_value, 2);
  EXPECT_THAT(*ReadFile(log),
              HasSubstr("launched: /bin/sh -c export NAS_TRIAL_ID=8 NAS_TRIAL_SEED=77"));
}

TEST(ProcessEvaluatorTest, FailuresAreOutcomesNotErrors) {
  TrialOutcome crashed = Evaluate(Command("--fail_trials=1"), 1, "crash");
  EXPECT_EQ(crashed.status, TrialStatus::kFailed);
  EXPECT_EQ(crashed.message, "exited with code 3; stderr: failing on purpose");

  TrialOutcome aborted = Evaluate(Command("--abort_trials=1"), 1, "abort");
  EXPECT_EQ(aborted.status, TrialStatus::kFailed);
  EXPECT_THAT(aborted.message, HasSubstr("killed by signal 6 (Aborted); stderr: "));
  EXPECT_FALSE(crashed.interrupted || aborted.interrupted);

  TrialOutcome malformed = Evaluate(Command("--malformed_trials=1"), 1, "malformed");
  EXPECT_EQ(malformed.status, TrialStatus::kFailed);
  EXPECT_THAT(malformed.message, HasSubstr("malformed result: "));
  EXPECT_THAT(malformed.message, HasSubstr("result.json: $.final: expected number"));

  TrialOutcome silent = Evaluate(Command("--silent_trials=1"), 1, "silent");
  EXPECT_EQ(silent.status, TrialStatus::kFailed);
  EXPECT_THAT(silent.message, HasSubstr("exited with code 0 but wrote no result to "));

  ProcessEvaluatorOptions missing = Command("");
  missing.command = "cd . && ./no_such_trial";
  TrialOutcome not_found = Evaluate(missing, 1, "missing");
  EXPECT_EQ(not_found.status, TrialStatus::kFailed);
  EXPECT_THAT(not_found.message, HasSubstr("exited with code 127 (command not found)"));
}

TEST(ProcessEvaluatorTest, HungTrialIsKilledAtItsTimeout) {
  ProcessEvaluatorOptions options = Command("--hang_trials=1");
  options.timeout_seconds = 0.5;
  auto start = std::chrono::steady_clock::now();
  TrialOutcome outcome = Evaluate(options, 1, "hang");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(outcome.status, TrialStatus::kTimeout);
  EXPECT_EQ(outcome.message, "timed out after 0.5 s");
  EXPECT_FALSE(outcome.interrupted);  // the driver's own kill
  EXPECT_LT(seconds, 3);
  // A trial that ignores SIGTERM is SIGKILLed after the grace period.
  options.command = "trap '' TERM; sleep 30  # {parameters}";
  start = std::chrono::steady_clock::now();
  outcome = Evaluate(options, 2, "hang");
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(outcome.status, TrialStatus::kTimeout);
  EXPECT_LT(seconds, 3);
}

// Kills a trial from outside: once the synthetic trial in `trial_dir` has
// started (its first line in stderr.log), sends `signal_number` to the pid
// its command wrote to <trial_dir>/pid.
std::thread KillFromOutside(const std::string& trial_dir, int signal_number) {
  return std::thread([trial_dir, signal_number] {
    for (int i = 0; i < 2000; ++i) {
      absl::StatusOr<std::string> pid = ReadFile(JoinPath(trial_dir, "pid"));
      absl::StatusOr<std::string> log = ReadFile(JoinPath(trial_dir, "stderr.log"));
      int value = 0;
      if (pid.ok() && absl::SimpleAtoi(absl::StripAsciiWhitespace(*pid), &value) && value > 0 &&
          log.ok() && log->find("synthetic trial") != std::string::npos) {
        kill(value, signal_number);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "the trial in " << trial_dir << " never started";
  });
}

// Runs trial 1 with `command` (which writes the pid to kill) and kills it.
TrialOutcome EvaluateAndKill(const std::string& command, int signal_number,
                             const std::string& dir) {
  ProcessEvaluatorOptions options = Command("");
  options.command = command;
  options.trials_dir = Dir(dir);
  auto evaluator = ProcessEvaluator::Create(options);
  EXPECT_OK(evaluator);
  if (!evaluator.ok()) return {};
  std::thread killer = KillFromOutside(TrialDirectory(Dir(dir), 1), signal_number);
  TrialOutcome outcome = (*evaluator)->evaluate({1, Parameters(), 77});
  killer.join();
  return outcome;
}

TEST(ProcessEvaluatorTest, ATrialKilledFromOutsideIsInterrupted) {
  // The trial itself killed (kill, a preempted node): the signal.
  std::string hang = Trial() + " --hang_trials=1 --parameters={parameters} --result={result}";
  TrialOutcome terminated =
      EvaluateAndKill("echo $$ > {trial_dir}/pid; exec " + hang, SIGTERM, "killed_term");
  EXPECT_EQ(terminated.status, TrialStatus::kFailed);
  EXPECT_TRUE(terminated.interrupted);
  EXPECT_THAT(terminated.message,
              HasSubstr("killed by signal 15 (Terminated) from outside the trial; a resumed "
                        "search runs it again; stderr: synthetic trial 1"));
  // Under a program that reports it as 128 + N, as a shell does and srun
  // does when scancel ends the step (exit code 143, or 137 after SIGKILL).
  TrialOutcome killed =
      EvaluateAndKill(hang + " & echo $! > {trial_dir}/pid; wait $!", SIGKILL, "killed_kill");
  EXPECT_EQ(killed.status, TrialStatus::kFailed);
  EXPECT_TRUE(killed.interrupted);
  EXPECT_THAT(killed.message, HasSubstr("exited with code 137: killed by signal 9 (Killed) from "
                                        "outside the trial; a resumed search runs it again"));
  ProcessEvaluatorOptions srun = Command("");
  srun.command = "echo 'srun: error: vm: task 0: Terminated' >&2; exit 143  # {result}";
  TrialOutcome srun_like = Evaluate(srun, 1, "srun_like");
  EXPECT_TRUE(srun_like.interrupted);
  EXPECT_EQ(srun_like.message,
            "exited with code 143: killed by signal 15 (Terminated) from outside the trial; a "
            "resumed search runs it again; stderr: srun: error: vm: task 0: Terminated");
  // A crash is the trial's own doing, however it is reported.
  srun.command = "sh -c 'exit 139'  # {result}";
  TrialOutcome crashed = Evaluate(srun, 2, "srun_like");
  EXPECT_FALSE(crashed.interrupted);
  EXPECT_EQ(crashed.message, "exited with code 139: killed by signal 11 (Segmentation fault)");
}

TEST(ProcessEvaluatorTest, MissingCommandIsRejectedUpFront) {
  ProcessEvaluatorOptions options;
  options.trials_dir = Dir("nope");
  options.command = "/no/such/trial --flag";
  EXPECT_THAT(
      ProcessEvaluator::Create(options),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("the trial command runs '/no/such/trial', which is not an executable file")));
  options.command = "no-such-program-xyz --flag";
  EXPECT_THAT(ProcessEvaluator::Create(options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'no-such-program-xyz', which is not a program on PATH")));
  options.command = "OMP_NUM_THREADS=1 sh -c true";  // assignments are skipped
  EXPECT_OK(ProcessEvaluator::Create(options));
  options.launcher = "srun-that-is-not-here -N1";
  EXPECT_THAT(
      ProcessEvaluator::Create(options),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("the launcher runs 'srun-that-is-not-here', which is not a program on PATH")));
  options.launcher = "";
  options.command = "";
  EXPECT_THAT(ProcessEvaluator::Create(options), StatusIs(absl::StatusCode::kInvalidArgument,
                                                          HasSubstr("the trial command is empty")));
  options.command = "true";
  options.timeout_seconds = -1;
  EXPECT_THAT(
      ProcessEvaluator::Create(options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("the trial timeout must be a finite number >= 0")));
}

// The driver with trial processes: four at once, failures recorded.
TEST(ProcessEvaluatorTest, DriverRunsFourTrialProcessesAtOnce) {
  std::vector<ChoiceSpec> choices;
  for (int i = 0; i < 4; ++i) {
    choices.push_back(
        {"op" + std::to_string(i), MutableKind::kLayerChoice, {"a", "b", "c", "d"}, std::nullopt});
  }
  SearchSpace space(choices);
  ProcessEvaluatorOptions options = Command("--sleep_ms=300 --fail_trials=2 --malformed_trials=5");
  options.trials_dir = Dir("driver/trials");
  auto evaluator = ProcessEvaluator::Create(options);
  ASSERT_OK(evaluator);
  TunerConfig config;
  auto tuner = (*TunerRegistry().Lookup("evolution"))(config);
  TunerDriverOptions driver;
  driver.output_dir = Dir("driver");
  driver.max_trials = 8;
  driver.parallel = 4;
  auto start = std::chrono::steady_clock::now();
  auto summary = RunSearch(driver, space, {{"tuner", "evolution"}}, tuner->get(), evaluator->get());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_OK(summary);
  EXPECT_EQ(summary->succeeded, 6);
  EXPECT_EQ(summary->failed, 2);
  printf("8 trials of 0.3 s, 4 at a time: %.2f s (process start-up included)\n", seconds);
  auto history = ReadSearchHistory(Dir("driver"));
  std::vector<std::pair<double, double>> spans;
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

// A trial killed from outside during a search (as scancel kills a step) is
// recorded as failed and interrupted; the resumed search runs it again.
TEST(ProcessEvaluatorTest, DriverRerunsATrialKilledFromOutsideOnResume) {
  std::vector<ChoiceSpec> choices = {
      {"conv", MutableKind::kLayerChoice, {"a", "b", "c", "d"}, std::nullopt}};
  SearchSpace space(choices);
  TunerDriverOptions driver;
  driver.output_dir = Dir("killed_search");
  driver.max_trials = 5;
  driver.parallel = 2;
  auto run = [&](const std::string& flags) {
    ProcessEvaluatorOptions options = Command("");
    options.command = "echo $$ > {trial_dir}/pid; exec " + Trial() + " --sleep_ms=100 " + flags +
                      " --parameters={parameters} --result={result}";
    options.trials_dir = JoinPath(driver.output_dir, "trials");
    auto evaluator = ProcessEvaluator::Create(options);
    EXPECT_OK(evaluator);
    TunerConfig config;
    auto tuner = (*TunerRegistry().Lookup("evolution"))(config);
    return RunSearch(driver, space, {{"tuner", "evolution"}}, tuner->get(), evaluator->get());
  };
  std::thread killer =
      KillFromOutside(TrialDirectory(JoinPath(driver.output_dir, "trials"), 2), SIGTERM);
  auto summary = run("--hang_trials=2");
  killer.join();
  ASSERT_OK(summary);
  EXPECT_EQ(summary->succeeded, 4);
  EXPECT_EQ(summary->interrupted, 1);
  driver.resume = true;
  summary = run("");
  ASSERT_OK(summary);
  EXPECT_EQ(summary->succeeded, 5);
  EXPECT_EQ(summary->failed, 0);
  std::vector<std::string> trial2;
  auto history = ReadSearchHistory(driver.output_dir);
  ASSERT_OK(history);
  for (const Json& r : *history) {
    if (r["event"] == "finished" && r["trial"] == 2) trial2.push_back(r["status"]);
    if (r["event"] == "resumed") {
      EXPECT_EQ(r["rerun"], Json::array({2}));
    }
  }
  EXPECT_EQ(trial2, (std::vector<std::string>{"failed", "succeeded"}));
}

}  // namespace
}  // namespace nas
