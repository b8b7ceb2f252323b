// ENAS search: shared weights and the LSTM controller, alternating; writes
// the exported architecture and the scores behind it.
//
// RUN: tools/bazel run //algorithms/enas:search -- --output_dir=enas/search
#include <cstdio>

#include <gflags/gflags.h>

#include "algorithms/enas/config.h"
#include "algorithms/enas/search_job.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"

DEFINE_string(config, "", "Configuration (JSON; see algorithms/enas/config.h). Default: the preset.");
DEFINE_string(preset, "", "fashion_mnist (default), fashion_mnist_micro, paper or paper_micro.");
DEFINE_string(output_dir, "enas/search", "Where metrics, checkpoints and the architectures go.");
DEFINE_uint64(seed, 0, "Seed (overrides the config's).");
DEFINE_int64(epochs, 0, "Search epochs (0 = the config's).");
DEFINE_bool(resume, false, "Continue from the last checkpoint in --output_dir.");

namespace {

absl::Status Run() {
  NAS_ASSIGN_OR_RETURN(nas::enas::EnasConfig config,
                       nas::enas::LoadEnasConfig(FLAGS_config.empty() ? "" : nas::ResolveUserPath(FLAGS_config),
                                                 FLAGS_preset));
  if (!gflags::GetCommandLineFlagInfoOrDie("seed").is_default) config.seed = FLAGS_seed;
  if (FLAGS_epochs < 0) return absl::InvalidArgumentError("--epochs must be >= 0");
  if (FLAGS_epochs > 0) config.search.trainer.epochs = FLAGS_epochs;
  if (FLAGS_output_dir.empty()) return absl::InvalidArgumentError("--output_dir is required");
  NAS_ASSIGN_OR_RETURN(nas::enas::SearchResult result,
                       nas::enas::RunSearchJob(config, nas::ResolveUserPath(FLAGS_output_dir), FLAGS_resume));
  nas::Json summary = nas::enas::SearchResultToJson(result);
  summary.erase("best_architecture");
  summary.erase("greedy_architecture");
  printf("%s\n", summary.dump(2).c_str());
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("ENAS search: trains shared weights and the controller, exports the best architecture.", &argc,
                &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
