// Ships a fixed model without the framework: one call writes, into a
// folder,
//
//   model.torchscript.pt  TorchScript (torch.jit.load in Python, torch::jit::load
//                         in C++; nothing of this project needed)
//   model.state_dict.pt   the weights as a PyTorch state dict (torch.load)
//   reference.pt          {"input": x, "output": y}: a seeded input and the C++
//                         model's output (torch.load), to check a deployment
//   export.json           what was exported: input shape, the check below
//
// after checking that the TorchScript, reloaded from its bytes, computes
// what the C++ model computes: on seeded random inputs at the traced batch
// size and at another one, the largest absolute difference of the outputs
// must be at most `tolerance`. Nothing is written when a step fails.
//
//   NAS_ASSIGN_OR_RETURN(nas::ExportReport report,
//                        nas::ExportModel(*built.model, built.forward, built.input_shape, dir));
#ifndef NAS_EXPORT_EXPORT_MODEL_H_
#define NAS_EXPORT_EXPORT_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/torch_fwd.h"
#include "nas/export/torchscript.h"

namespace nas {

inline constexpr char kTorchScriptFile[] = "model.torchscript.pt";
inline constexpr char kStateDictFile[] = "model.state_dict.pt";
inline constexpr char kReferenceFile[] = "reference.pt";
inline constexpr char kExportReportFile[] = "export.json";

struct ExportOptions {
  int64_t batch = 2;            // batch size of the traced example (>= 1)
  double tolerance = 1e-5;      // largest |C++ - TorchScript| accepted (fp32)
  uint64_t seed = 0;            // of the random inputs
  Json extra = Json::object();  // members added to export.json (space, architecture...)
};

struct ExportReport {
  std::vector<int64_t> input_shape;  // traced, batch first
  std::vector<int64_t> checked_batches;
  double max_abs_difference = 0;  // over the checked batches
  int64_t tensors = 0;            // entries of the state dict
  int64_t parameters = 0;         // elements of the parameters
  Json extra = Json::object();    // ExportOptions::extra
};
// export.json: the members above and extra's.
Json ExportReportToJson(const ExportReport& report);

// `sample_shape` is one example's shape (no batch), e.g. {1, 28, 28}.
absl::StatusOr<ExportReport> ExportModel(torch::nn::Module& model, const ModelForward& forward,
                                         const std::vector<int64_t>& sample_shape,
                                         const std::string& dir, const ExportOptions& options = {});

}  // namespace nas

#endif  // NAS_EXPORT_EXPORT_MODEL_H_
