#include "nas/core/search_space.h"

#include <set>

#include <ATen/ATen.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nas/base/status.h"

namespace nas {

bool ChoiceSpec::operator==(const ChoiceSpec& other) const {
  return key == other.key && kind == other.kind && candidates == other.candidates &&
         n_chosen == other.n_chosen;
}

SearchSpace::SearchSpace(std::vector<ChoiceSpec> choices) : choices_(std::move(choices)) {
  for (size_t i = 0; i < choices_.size(); ++i) index_[choices_[i].key] = i;
}

const ChoiceSpec* SearchSpace::find(const std::string& key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &choices_[it->second];
}

std::string SearchSpace::key_list() const {
  std::vector<std::string> keys;
  for (const auto& c : choices_) keys.push_back(c.key);
  return keys.empty() ? "(none)" : absl::StrJoin(keys, ", ");
}

absl::Status SearchSpace::check(const Decisions& decisions) const {
  for (const auto& [key, mask] : decisions) {
    if (find(key) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("decision for unknown key '", key, "'; keys: ", key_list()));
    }
  }
  for (const auto& choice : choices_) {
    auto it = decisions.find(choice.key);
    if (it == decisions.end()) {
      return absl::InvalidArgumentError(absl::StrCat("no decision for key '", choice.key, "'"));
    }
    NAS_RETURN_IF_ERROR(CatchExceptions([&] {
      CheckMask(choice.key, it->second, choice.size());
      return absl::OkStatus();
    }));
  }
  return absl::OkStatus();
}

Json SearchSpace::to_json() const {
  Json j = Json::object();  // nlohmann's object keeps keys sorted
  for (const auto& c : choices_) {
    if (c.kind == MutableKind::kLayerChoice) {
      j[c.key] = {{"_type", "layer_choice"}, {"_value", c.candidates}};
    } else {
      Json n_chosen = c.n_chosen.has_value() ? Json(*c.n_chosen) : Json(nullptr);
      j[c.key] = {{"_type", "input_choice"},
                  {"_value", {{"candidates", c.candidates}, {"n_chosen", n_chosen}}}};
    }
  }
  return j;
}

absl::StatusOr<SearchSpace> SearchSpace::from_json(const Json& j) {
  if (!j.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("search space: expected an object of choices, got ", JsonTypeName(j)));
  }
  std::vector<ChoiceSpec> choices;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string path = JsonChildPath("$", it.key());
    ChoiceSpec spec;
    spec.key = it.key();
    JsonObjectReader r(it.value(), path);
    std::string type;
    r.Required("_type", &type);
    const Json* value = r.Member("_value");
    NAS_RETURN_IF_ERROR(r.Finish());
    if (value == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(path, "._value: required member is missing"));
    }
    if (type == "layer_choice") {
      spec.kind = MutableKind::kLayerChoice;
      NAS_RETURN_IF_ERROR(JsonGet(*value, path + "._value", &spec.candidates));
      if (spec.candidates.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(path, "._value: no candidates"));
      }
    } else if (type == "input_choice") {
      spec.kind = MutableKind::kInputChoice;
      JsonObjectReader v(*value, path + "._value");
      v.Required("candidates", &spec.candidates).Optional("n_chosen", &spec.n_chosen);
      NAS_RETURN_IF_ERROR(v.Finish());
      if (spec.n_chosen && (*spec.n_chosen < 0 || *spec.n_chosen > spec.size())) {
        return absl::InvalidArgumentError(absl::StrCat(path, "._value.n_chosen: ", *spec.n_chosen,
                                                       " is outside [0, ", spec.size(), "]"));
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat(path, "._type: unknown choice type '", type,
                                                     "'; expected layer_choice or input_choice"));
    }
    // Parameters name candidates by value: two alike could not be told apart.
    std::set<std::string> seen;
    for (const std::string& candidate : spec.candidates) {
      if (!candidate.empty() && !seen.insert(candidate).second) {
        return absl::InvalidArgumentError(absl::StrCat(
            path, "._value", spec.kind == MutableKind::kInputChoice ? ".candidates" : "",
            ": candidate '", candidate, "' appears twice"));
      }
    }
    choices.push_back(std::move(spec));
  }
  return SearchSpace(std::move(choices));
}

}  // namespace nas
