// //tools:export: a found architecture of any registered space, with its
// weights, as files that run without this project (nas/export):
//
//   tools/bazel run //tools:export -- --space=spos_shufflenet --architecture=arch.json
//       --weights=retrain/model.pt --output_dir=shipped        (one line)
//
// writes shipped/model.torchscript.pt, model.state_dict.pt, reference.pt and
// export.json (docs/export.md). The weights are a fixed child's model.pt
// (a retraining's), or with --from_supernet a supernet.pt whose tensors the
// child inherits (the "sub state dict"). To check that a space exports
// before searching it, --random_architecture and --random_weights take a
// seeded uniform sample and the seeded initial weights instead.
//
// Errors (unknown space, bad options, an architecture that does not match
// the space, weights of another model, an unwritable folder) are returned,
// never thrown, and nothing is written then.
#ifndef TOOLS_EXPORT_H_
#define TOOLS_EXPORT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "nas/base/json.h"

namespace nas::tools {

struct ExportToolOptions {
  std::string space;                    // a SpaceRegistry() name
  Json space_options = Json::object();  // the space's options ({} = defaults)
  std::string architecture;             // architecture file
  bool random_architecture = false;     // instead: a seeded uniform sample
  std::string weights;                  // model.pt, or supernet.pt with from_supernet
  bool from_supernet = false;
  bool random_weights = false;  // instead of weights: the initial ones, seeded
  uint64_t seed = 0;            // initial weights and the check's inputs
  int64_t batch = 2;            // batch of the traced example
  std::string output_dir;       // required
};

// Exports; returns what export.json holds.
absl::StatusOr<Json> RunExport(const ExportToolOptions& options);

}  // namespace nas::tools

#endif  // TOOLS_EXPORT_H_
