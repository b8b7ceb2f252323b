// Measures the latency table of a registered space on this machine, and
// checks its predictions against whole networks (see tools/latency.h).
// Prints a JSON report.
//
// RUN: tools/bazel run //tools:latency -- --space=spos_shufflenet --table=$PWD/latency.json
// --check=10
#include <cstdio>

#include <gflags/gflags.h>
#include <torch/utils.h>

#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/json.h"
#include "nas/base/status.h"
#include "tools/latency.h"
#include "tools/space_flags.h"

DEFINE_string(table, "",
              "Latency table file: read when it was measured for this machine, space and batch, "
              "else measured and written there. Empty: measure and keep nothing.");
DEFINE_string(architecture, "", "Architecture file whose latency to predict.");
DEFINE_int32(check, 0,
             "Sample this many architectures and measure each whole (exported TorchScript and "
             "C++ model) against the prediction.");
DEFINE_int64(batch, 1, "Batch size of the measurements.");
DEFINE_int32(warmup, 3, "Calls before timing each candidate or network.");
DEFINE_int32(repetitions, 21, "Timed calls; the median is kept.");
DEFINE_uint64(seed, 0, "Seed of the inputs, the measured path and the checked architectures.");

namespace {

absl::Status Run() {
  if (nas::tools::ListSpacesIfAsked()) return absl::OkStatus();
  nas::tools::LatencyToolOptions o;
  o.space = FLAGS_space;
  NAS_ASSIGN_OR_RETURN(o.space_options, nas::tools::SpaceOptionsFlag());
  if (!FLAGS_table.empty()) o.table = nas::ResolveUserPath(FLAGS_table);
  if (!FLAGS_architecture.empty()) o.architecture = nas::ResolveUserPath(FLAGS_architecture);
  o.check = FLAGS_check;
  o.latency.batch = FLAGS_batch;
  o.latency.warmup = FLAGS_warmup;
  o.latency.repetitions = FLAGS_repetitions;
  o.latency.seed = FLAGS_seed;
  torch::manual_seed(FLAGS_seed);
  NAS_ASSIGN_OR_RETURN(nas::Json report, nas::tools::RunLatency(o));
  printf("%s\n", report.dump(2).c_str());
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("Latency table of a search space on this machine; predictions checked.", &argc,
                &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
