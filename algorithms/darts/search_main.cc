// DARTS search: first order by default, second order with --unrolled.
//
// RUN: tools/bazel run //algorithms/darts:search -- --output_dir=darts/search
#include <gflags/gflags.h>

#include "algorithms/darts/config.h"
#include "algorithms/darts/search_job.h"
#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/status.h"

DEFINE_string(config, "", "Configuration (JSON; see algorithms/darts/config.h). Default: the preset.");
DEFINE_string(preset, "", "fashion_mnist (default) or paper.");
DEFINE_string(output_dir, "darts/search", "Where metrics, checkpoints and the architecture go.");
DEFINE_uint64(seed, 0, "Seed (overrides the config's).");
DEFINE_int64(epochs, 0, "Search epochs (0 = the config's).");
DEFINE_bool(unrolled, false, "Second-order DARTS (overrides the config's search.darts.unrolled when set).");
DEFINE_bool(resume, false, "Continue from the last checkpoint in --output_dir.");

namespace {

absl::Status Run() {
  NAS_ASSIGN_OR_RETURN(nas::darts::DartsConfig config,
                       nas::darts::LoadDartsConfig(FLAGS_config.empty() ? "" : nas::ResolveUserPath(FLAGS_config),
                                                   FLAGS_preset));
  if (!gflags::GetCommandLineFlagInfoOrDie("seed").is_default) config.seed = FLAGS_seed;
  if (FLAGS_epochs > 0) config.search.trainer.epochs = FLAGS_epochs;
  if (!gflags::GetCommandLineFlagInfoOrDie("unrolled").is_default) config.search.darts.unrolled = FLAGS_unrolled;
  return nas::darts::RunSearchJob(config, nas::ResolveUserPath(FLAGS_output_dir), FLAGS_resume).status();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("DARTS: differentiable architecture search of a cell (first or second order).", &argc, &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
