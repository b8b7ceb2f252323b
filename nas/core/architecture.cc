#include "nas/core/architecture.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nas/base/file.h"
#include "nas/base/status.h"

namespace nas {
namespace {

// The form of one value: all members of a list must share it.
enum class Form { kName, kIndex, kBool, kWeight, kEmpty, kInvalid };

Form ElementForm(const Json& e) {
  if (e.is_string()) return Form::kName;
  if (e.is_boolean()) return Form::kBool;
  if (e.is_number_integer()) return Form::kIndex;
  if (e.is_number_float()) return Form::kWeight;
  return Form::kInvalid;
}

absl::StatusOr<Form> ValueForm(const Json& v, const std::string& path) {
  if (!v.is_array()) {
    Form f = ElementForm(v);
    if (f == Form::kName || f == Form::kIndex) return f;
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": expected a candidate name, an index or a list, got ", JsonTypeName(v),
                     v.is_primitive() ? absl::StrCat(" ", v.dump()) : ""));
  }
  if (v.empty()) return Form::kEmpty;
  bool any_float = false, all_numbers = true;
  Form first = ElementForm(v[0]);
  for (const auto& e : v) {
    Form f = ElementForm(e);
    if (f == Form::kInvalid) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": list members must be names, indices, bools or weights, got ", JsonTypeName(e)));
    }
    any_float |= f == Form::kWeight;
    all_numbers &= f == Form::kIndex || f == Form::kWeight;
    if (f != first && !(all_numbers && (first == Form::kIndex || first == Form::kWeight))) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": list mixes ", JsonTypeName(v[0]), " and ", JsonTypeName(e)));
    }
  }
  if (all_numbers) return any_float ? Form::kWeight : Form::kIndex;
  return first;
}

bool UseNames(const std::vector<std::string>& names) {
  std::set<std::string> unique(names.begin(), names.end());
  if (unique.size() != names.size() || unique.count("")) return false;
  return !std::all_of(names.begin(), names.end(), [](const std::string& n) {
    return std::all_of(n.begin(), n.end(), [](unsigned char c) { return std::isdigit(c); });
  });
}

std::string Valid(const ChoiceSpec& spec) {
  std::vector<std::string> names;
  for (const auto& c : spec.candidates) names.push_back(c.empty() ? "<no key>" : c);
  return absl::StrCat("valid: ", absl::StrJoin(names, ", "), " or an index in [0, ",
                      spec.size() - 1, "]");
}

absl::StatusOr<int64_t> IndexOf(const ChoiceSpec& spec, const Json& e) {
  if (e.is_string()) {
    const std::string name = e.get<std::string>();
    auto it = std::find(spec.candidates.begin(), spec.candidates.end(), name);
    if (name.empty() || it == spec.candidates.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("key '", spec.key, "': unknown candidate '", name, "'; ", Valid(spec)));
    }
    if (std::count(spec.candidates.begin(), spec.candidates.end(), name) > 1) {
      return absl::InvalidArgumentError(absl::StrCat("key '", spec.key, "': candidate name '", name,
                                                     "' is ambiguous; use its index"));
    }
    return static_cast<int64_t>(it - spec.candidates.begin());
  }
  int64_t index = e.get<int64_t>();
  if (index < 0 || index >= spec.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("key '", spec.key, "': index ", index, " is out of range; ", Valid(spec)));
  }
  return index;
}

absl::StatusOr<at::Tensor> Resolve(const ChoiceSpec& spec, const Json& v) {
  NAS_ASSIGN_OR_RETURN(Form form, ValueForm(v, absl::StrCat("key '", spec.key, "'")));
  const int64_t n = spec.size();
  if (form == Form::kBool || form == Form::kWeight) {
    if (static_cast<int64_t>(v.size()) != n) {
      return absl::InvalidArgumentError(
          absl::StrCat("key '", spec.key, "': a ", form == Form::kBool ? "mask" : "weight list",
                       " needs ", n, " entries (one per candidate), got ", v.size()));
    }
    if (form == Form::kBool) {
      at::Tensor mask = at::zeros({n}, at::kBool);
      for (int64_t i = 0; i < n; ++i) mask[i] = v[i].get<bool>();
      return mask;
    }
    at::Tensor weights = at::zeros({n}, at::kFloat);
    for (int64_t i = 0; i < n; ++i) weights[i] = v[i].get<double>();
    return weights;
  }
  at::Tensor mask = at::zeros({n}, at::kBool);
  if (form == Form::kEmpty) return mask;
  Json list = v.is_array() ? v : Json::array({v});
  for (const auto& e : list) {
    NAS_ASSIGN_OR_RETURN(int64_t i, IndexOf(spec, e));
    if (mask[i].item<bool>()) {
      return absl::InvalidArgumentError(
          absl::StrCat("key '", spec.key, "': candidate ", e.dump(), " is selected twice"));
    }
    mask[i] = true;
  }
  return mask;
}

}  // namespace

absl::StatusOr<Architecture> Architecture::from_json(const Json& j, const std::string& source) {
  if (!j.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": an architecture is a JSON object of key -> decision, got ", JsonTypeName(j)));
  }
  Architecture arch;
  for (auto it = j.begin(); it != j.end(); ++it) {
    NAS_RETURN_IF_ERROR(
        Annotate(ValueForm(it.value(), absl::StrCat("key '", it.key(), "'")).status(), source));
    arch.values_[it.key()] = it.value();
  }
  return arch;
}

Json Architecture::to_json() const {
  Json j = Json::object();
  for (const auto& [key, value] : values_) j[key] = value;
  return j;
}

Architecture Architecture::from_decisions(const Decisions& decisions, const SearchSpace& space) {
  Architecture arch;
  for (const auto& spec : space.choices()) {
    const at::Tensor mask = decisions.at(spec.key).cpu();
    if (mask.scalar_type() != at::kBool) {
      Json weights = Json::array();
      at::Tensor w = mask.to(at::kDouble).contiguous();
      for (int64_t i = 0; i < w.size(0); ++i) weights.push_back(w[i].item<double>());
      arch.values_[spec.key] = weights;
      continue;
    }
    bool names = UseNames(spec.candidates);
    Json selected = Json::array();
    for (int64_t i = 0; i < mask.size(0); ++i) {
      if (!mask[i].item<bool>()) continue;
      if (names) {
        selected.push_back(spec.candidates[i]);
      } else {
        selected.push_back(i);
      }
    }
    arch.values_[spec.key] = selected.size() == 1 ? selected[0] : selected;
  }
  return arch;
}

absl::StatusOr<Decisions> Architecture::resolve(const SearchSpace& space) const {
  std::vector<std::string> unknown, missing;
  for (const auto& [key, value] : values_) {
    if (space.find(key) == nullptr) unknown.push_back(key);
  }
  for (const auto& spec : space.choices()) {
    if (!values_.count(spec.key)) missing.push_back(spec.key);
  }
  if (!unknown.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("architecture has unknown key", unknown.size() > 1 ? "s " : " ",
                     absl::StrJoin(unknown, ", "), "; the model's keys: ", space.key_list()));
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("architecture has no decision for key",
                                                   missing.size() > 1 ? "s " : " ",
                                                   absl::StrJoin(missing, ", ")));
  }
  Decisions decisions;
  for (const auto& spec : space.choices()) {
    NAS_ASSIGN_OR_RETURN(decisions[spec.key], Resolve(spec, values_.at(spec.key)));
  }
  return decisions;
}

absl::StatusOr<Architecture> ReadArchitecture(const std::string& path) {
  NAS_ASSIGN_OR_RETURN(Json j, ReadJsonFile(path));
  return Architecture::from_json(j, path);
}

absl::Status WriteArchitecture(const std::string& path, const Architecture& arch) {
  return WriteJsonFile(path, arch.to_json());
}

}  // namespace nas
