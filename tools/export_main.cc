// Exports an architecture of a registered space with its weights as
// TorchScript, a PyTorch state dict and a reference input/output, which run
// without this project (see tools/export.h, docs/export.md). Prints
// export.json.
//
// RUN: tools/bazel run //tools:export -- --space=small_cnn --architecture=arch.json
// --weights=model.pt --output_dir=shipped
#include <cstdio>

#include <gflags/gflags.h>

#include "nas/base/file.h"
#include "nas/base/init.h"
#include "nas/base/json.h"
#include "nas/base/status.h"
#include "tools/export.h"
#include "tools/space_flags.h"

DEFINE_string(architecture, "", "Architecture file (formats.md).");
DEFINE_bool(random_architecture, false,
            "No --architecture: a uniform sample of the space, seeded by --seed (to check that "
            "a space exports).");
DEFINE_string(weights, "",
              "A fixed child's weights (a retraining's model.pt), or with --from_supernet a "
              "supernet.pt.");
DEFINE_bool(from_supernet, false,
            "--weights is a supernet's: the child takes the tensors of its chosen candidates.");
DEFINE_bool(random_weights, false,
            "No --weights: export the seeded initial weights (to check that a space exports).");
DEFINE_uint64(seed, 0,
              "Seed of the sampled architecture, the initial weights and the check's random "
              "inputs.");
DEFINE_int64(batch, 2, "Batch size of the traced example (the export takes any batch size).");
DEFINE_string(output_dir, "export", "Folder to write (relative to where you ran bazel run).");

namespace {

absl::Status Run() {
  if (nas::tools::ListSpacesIfAsked()) return absl::OkStatus();
  nas::tools::ExportToolOptions o;
  o.space = FLAGS_space;
  NAS_ASSIGN_OR_RETURN(o.space_options, nas::tools::SpaceOptionsFlag());
  if (!FLAGS_architecture.empty()) o.architecture = nas::ResolveUserPath(FLAGS_architecture);
  if (!FLAGS_weights.empty()) o.weights = nas::ResolveUserPath(FLAGS_weights);
  o.random_architecture = FLAGS_random_architecture;
  o.from_supernet = FLAGS_from_supernet;
  o.random_weights = FLAGS_random_weights;
  o.seed = FLAGS_seed;
  o.batch = FLAGS_batch;
  if (!FLAGS_output_dir.empty()) o.output_dir = nas::ResolveUserPath(FLAGS_output_dir);
  NAS_ASSIGN_OR_RETURN(nas::Json report, nas::tools::RunExport(o));
  printf("%s\n", report.dump(2).c_str());
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("Exports an architecture and its weights as TorchScript and a PyTorch state dict.",
                &argc, &argv);
  return nas::ExitWith(nas::CatchExceptions(Run));
}
