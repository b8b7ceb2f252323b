#include "nas/core/parameters.h"

#include <set>

#include <ATen/ATen.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nas/base/status.h"

namespace nas {
namespace {

absl::Status CheckName(const ChoiceSpec& spec, const std::string& path, int64_t idx,
                       const std::string& value) {
  if (idx < 0 || idx >= spec.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, "._idx: ", idx, " is out of range [0, ", spec.size() - 1, "]"));
  }
  if (spec.candidates[idx] != value) {
    return absl::InvalidArgumentError(absl::StrCat(path, "._value: '", value,
                                                   "' is not the candidate at _idx ", idx, " ('",
                                                   spec.candidates[idx], "')"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Architecture> ArchitectureFromParameters(const Json& parameters,
                                                        const SearchSpace& space) {
  if (!parameters.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("parameters: expected an object, got ", JsonTypeName(parameters)));
  }
  for (auto it = parameters.begin(); it != parameters.end(); ++it) {
    if (space.find(it.key()) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("parameters: unknown key '", it.key(),
                                                     "'; the space's keys: ", space.key_list()));
    }
  }
  Architecture arch;
  for (const auto& spec : space.choices()) {
    const std::string path = JsonChildPath("$", spec.key);
    auto it = parameters.find(spec.key);
    if (it == parameters.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("parameters: no entry for key '", spec.key, "'"));
    }
    JsonObjectReader r(*it, path);
    if (spec.kind == MutableKind::kLayerChoice) {
      std::string value;
      int64_t idx = -1;
      r.Required("_value", &value).Required("_idx", &idx);
      NAS_RETURN_IF_ERROR(r.Finish());
      NAS_RETURN_IF_ERROR(CheckName(spec, path, idx, value));
      arch.set(spec.key, idx);
    } else {
      std::vector<std::string> values;
      std::vector<int64_t> idx;
      r.Required("_value", &values).Required("_idx", &idx);
      NAS_RETURN_IF_ERROR(r.Finish());
      if (values.size() != idx.size()) {
        return absl::InvalidArgumentError(absl::StrCat(path, ": _value has ", values.size(),
                                                       " entries but _idx has ", idx.size()));
      }
      std::set<int64_t> seen;
      for (size_t i = 0; i < idx.size(); ++i) {
        NAS_RETURN_IF_ERROR(CheckName(spec, path, idx[i], values[i]));
        if (!seen.insert(idx[i]).second) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, "._idx: index ", idx[i], " appears twice"));
        }
      }
      if (spec.n_chosen && static_cast<int64_t>(idx.size()) != *spec.n_chosen) {
        return absl::InvalidArgumentError(absl::StrCat(
            path, ": ", idx.size(), " inputs chosen but n_chosen is ", *spec.n_chosen));
      }
      arch.set(spec.key, idx);
    }
  }
  return arch;
}

absl::StatusOr<Json> ParametersFromArchitecture(const Architecture& arch,
                                                const SearchSpace& space) {
  NAS_ASSIGN_OR_RETURN(Decisions decisions, arch.resolve(space));
  Json params = Json::object();
  for (const auto& spec : space.choices()) {
    const at::Tensor& mask = decisions.at(spec.key);
    if (mask.scalar_type() != at::kBool) {
      return absl::InvalidArgumentError(
          absl::StrCat("key '", spec.key, "': weighted decisions cannot be written as parameters"));
    }
    std::vector<int64_t> idx;
    std::vector<std::string> values;
    for (int64_t i = 0; i < spec.size(); ++i) {
      if (!mask[i].item<bool>()) continue;
      idx.push_back(i);
      values.push_back(spec.candidates[i]);
    }
    if (spec.kind == MutableKind::kLayerChoice) {
      if (idx.size() != 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("key '", spec.key,
                         "': parameters select exactly one layer candidate, the "
                         "architecture selects ",
                         idx.size()));
      }
      params[spec.key] = {{"_value", values[0]}, {"_idx", idx[0]}};
    } else {
      params[spec.key] = {{"_value", values}, {"_idx", idx}};
    }
  }
  return params;
}

}  // namespace nas
