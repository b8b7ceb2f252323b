#include "algorithms/spos/path_cost.h"

#include "absl/strings/str_cat.h"
#include "nas/base/status.h"

namespace nas::spos {
namespace {

std::string Key(int block) { return absl::StrCat("LayerChoice", block + 1); }

}  // namespace

std::vector<int> ChoicesFromDecisions(const Decisions& decisions, int blocks) {
  std::vector<int> choices(blocks, 0);
  for (int b = 0; b < blocks; ++b) {
    const at::Tensor& mask = decisions.at(Key(b));
    choices[b] = static_cast<int>(mask.to(at::kFloat).argmax().item<int64_t>());
  }
  return choices;
}

absl::StatusOr<std::vector<int>> ChoicesFromParameters(const Json& parameters, int blocks) {
  std::vector<int> choices(blocks, 0);
  for (int b = 0; b < blocks; ++b) {
    std::string path = absl::StrCat("parameters.", Key(b), "._idx");
    if (!parameters.is_object() || !parameters.contains(Key(b)) ||
        !parameters[Key(b)].is_object() || !parameters[Key(b)].contains("_idx")) {
      return absl::InvalidArgumentError(absl::StrCat(path, " is missing"));
    }
    NAS_RETURN_IF_ERROR(JsonGet(parameters[Key(b)]["_idx"], path, &choices[b]));
  }
  return choices;
}

absl::StatusOr<std::vector<int>> ChoicesFromArchitecture(const Architecture& arch,
                                                         const ShuffleNetSpaceOptions& space) {
  NAS_ASSIGN_OR_RETURN(Decisions decisions, arch.resolve(ShuffleNetSearchSpace(space)));
  for (const auto& [key, mask] : decisions) {
    if (mask.scalar_type() != at::kBool || mask.sum().item<int64_t>() != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(key, ": a SPOS architecture picks exactly one candidate"));
    }
  }
  return ChoicesFromDecisions(decisions, static_cast<int>(ShuffleNetBlocks(space).size()));
}

PathCost MacsOfPath(std::shared_ptr<const FlopsTable> table, int blocks) {
  return [table, blocks](const Decisions& decisions) {
    return static_cast<double>(table->macs(ChoicesFromDecisions(decisions, blocks)));
  };
}

}  // namespace nas::spos
