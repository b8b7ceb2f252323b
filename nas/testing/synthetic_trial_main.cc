// A trial program for testing tuners and the tuner driver: its score is a
// known function of the architecture, and flags make chosen trials crash,
// hang or write a malformed result.
//
// Score: one point per layer choice whose _idx equals FNV-1a(key) mod
// --candidates, one per input choice whose chosen indices include 0.
// intermediate = [score / 2, score].
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <set>
#include <string>

#include <gflags/gflags.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/multi_trial/trial.h"

DEFINE_string(parameters, "", "the trial's parameters file (default: $NAS_TRIAL_PARAMETERS)");
DEFINE_string(result, "", "where to write the result (default: $NAS_TRIAL_RESULT)");
DEFINE_int32(candidates, 4, "the score's modulus for layer choices");
DEFINE_int32(sleep_ms, 0, "sleep this long before reporting");
DEFINE_string(fail_trials, "", "comma-separated trial ids that exit with code 3");
DEFINE_string(abort_trials, "", "trial ids that die from SIGABRT");
DEFINE_string(hang_trials, "", "trial ids that sleep forever");
DEFINE_string(malformed_trials, "", "trial ids that write a malformed result");
DEFINE_string(silent_trials, "", "trial ids that exit 0 without a result");

namespace {

bool Listed(const std::string& list, int64_t id) {
  for (absl::string_view s : absl::StrSplit(list, ',', absl::SkipEmpty())) {
    int64_t v;
    if (absl::SimpleAtoi(s, &v) && v == id) return true;
  }
  return false;
}

uint32_t Fnv1a(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("synthetic_trial --parameters=FILE --result=FILE", &argc, &argv);
  absl::StatusOr<nas::TrialContext> context = nas::TrialEnvironment(FLAGS_parameters, FLAGS_result);
  if (!context.ok()) return nas::ExitWith(context.status());
  int64_t id = context->id;
  fprintf(stderr, "synthetic trial %lld\n", static_cast<long long>(id));
  if (FLAGS_sleep_ms > 0) usleep(static_cast<useconds_t>(FLAGS_sleep_ms) * 1000);
  if (Listed(FLAGS_fail_trials, id)) {
    fprintf(stderr, "failing on purpose\n");
    return 3;
  }
  if (Listed(FLAGS_abort_trials, id)) abort();
  if (Listed(FLAGS_hang_trials, id)) {
    while (true) pause();
  }
  if (Listed(FLAGS_silent_trials, id)) return 0;
  if (Listed(FLAGS_malformed_trials, id)) {
    return nas::ExitWith(nas::WriteFileAtomically(context->result_path, "{\"final\": \"high\"}"));
  }
  double score = 0;
  for (const auto& [key, value] : context->parameters.items()) {
    const nas::Json& idx = value["_idx"];
    if (idx.is_number_integer()) {
      score += idx.get<int64_t>() == static_cast<int64_t>(Fnv1a(key) % FLAGS_candidates);
    } else if (idx.is_array()) {
      for (const nas::Json& i : idx) score += i == 0;
    }
  }
  nas::TrialReport report;
  report.final_value = score;
  report.intermediate = {score / 2, score};
  if (context->result_path.empty()) {
    printf("%g\n", score);
    return 0;
  }
  return nas::ExitWith(nas::WriteTrialReport(context->result_path, report));
}
