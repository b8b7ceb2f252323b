// Strict JSON helpers on nlohmann::json. Every error says where: the file
// (or other source) and the JSON path of the bad member ("$.trainer.lr").
//
// Example: a config struct read strictly (unknown members are rejected, so a
// typo never silently falls back to a default):
//
//   absl::Status FromJson(const nlohmann::json& j, const std::string& path,
//                         TrainOptions* out) {
//     JsonObjectReader r(j, path);
//     r.Optional("epochs", &out->epochs);
//     r.Optional("lr", &out->lr);
//     return r.Finish();   // first type error, or "unknown member $.lr_max"
//   }
#ifndef NAS_BASE_JSON_H_
#define NAS_BASE_JSON_H_

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>
#include "absl/strings/string_view.h"

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace nas {

using Json = nlohmann::json;

// Parses `text`; a syntax error names `source` and the byte offset.
absl::StatusOr<Json> ParseJson(absl::string_view text, absl::string_view source);

// Reads and parses a file; NotFound / InvalidArgument name the file.
absl::StatusOr<Json> ReadJsonFile(const std::string& path);

// Writes `j` (2-space indent, trailing newline) atomically.
absl::Status WriteJsonFile(const std::string& path, const Json& j);

// Lenient reads of records in logs we wrote ourselves (a damaged line must
// not throw): the member `name` of `j` when `j` is an object and the member
// has the type, else `fallback`.
int64_t JsonIntegerOr(const Json& j, const std::string& name, int64_t fallback);
std::string JsonStringOr(const Json& j, const std::string& name, const std::string& fallback);

// "number", "string", ... for messages.
std::string JsonTypeName(const Json& j);

// `path` + member / index, for messages: "$.a" + "b" -> "$.a.b".
std::string JsonChildPath(const std::string& path, absl::string_view member);
std::string JsonIndexPath(const std::string& path, size_t index);

// Converts `j` to T strictly: integers must be integral (and in range),
// unsigned ones non-negative, bool must be a JSON bool, strings strings;
// vectors and string-keyed maps element by element. Errors name `path`.
template <typename T>
absl::Status JsonGet(const Json& j, const std::string& path, T* out);

// Reads the members of one JSON object; remembers which were read so that
// Finish() can reject the rest. Errors accumulate: the first one is kept.
class JsonObjectReader {
 public:
  // `path` locates `object` in messages, e.g. "config.json: $" or "$.model".
  JsonObjectReader(const Json& object, std::string path);

  // Missing member -> error.
  template <typename T>
  JsonObjectReader& Required(const std::string& name, T* out) {
    if (!status_.ok()) return *this;
    const Json* member = Find(name);
    if (member == nullptr) {
      status_ = absl::InvalidArgumentError(
          absl::StrCat(JsonChildPath(path_, name), ": required member is missing"));
      return *this;
    }
    status_ = JsonGet(*member, JsonChildPath(path_, name), out);
    return *this;
  }

  // Missing member -> `*out` unchanged (keeps its default).
  template <typename T>
  JsonObjectReader& Optional(const std::string& name, T* out) {
    if (!status_.ok()) return *this;
    const Json* member = Find(name);
    if (member != nullptr) status_ = JsonGet(*member, JsonChildPath(path_, name), out);
    return *this;
  }

  // The member itself (marked as read; valid while the reader lives), or
  // nullptr.
  const Json* Member(const std::string& name) { return Find(name); }

  // OK, or the first error, or an error naming every unknown member and
  // listing the known ones.
  absl::Status Finish();

  const std::string& path() const { return path_; }

 private:
  const Json* Find(const std::string& name);

  const Json object_;  // a copy: callers often pass temporaries
  std::string path_;
  std::set<std::string> seen_;   // present and read
  std::set<std::string> asked_;  // every name asked for: the known members
  absl::Status status_;
};

// ---------------------------------------------------------------------------
// Implementation details.

namespace json_internal {
absl::Status TypeError(const Json& j, const std::string& path, absl::string_view expected);
absl::Status GetInteger(const Json& j, const std::string& path, int64_t min, int64_t max,
                        int64_t* out);
}  // namespace json_internal

template <typename T>
struct JsonGetter {
  static absl::Status Get(const Json& j, const std::string& path, T* out) {
    if constexpr (std::is_same_v<T, bool>) {
      if (!j.is_boolean()) return json_internal::TypeError(j, path, "boolean");
      *out = j.get<bool>();
    } else if constexpr (std::is_integral_v<T>) {
      int64_t v;
      absl::Status s =
          json_internal::GetInteger(j, path, static_cast<int64_t>(std::numeric_limits<T>::min()),
                                    std::numeric_limits<T>::max() > static_cast<uint64_t>(INT64_MAX)
                                        ? INT64_MAX
                                        : static_cast<int64_t>(std::numeric_limits<T>::max()),
                                    &v);
      if (!s.ok()) return s;
      *out = static_cast<T>(v);
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!j.is_number()) return json_internal::TypeError(j, path, "number");
      // JSON has no NaN or infinity, but documents built in code (options
      // round-tripped through ToJson) can hold them.
      if (!std::isfinite(j.get<double>()))
        return json_internal::TypeError(j, path, "finite number");
      *out = j.get<T>();
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (!j.is_string()) return json_internal::TypeError(j, path, "string");
      *out = j.get<std::string>();
    } else if constexpr (std::is_same_v<T, Json>) {
      *out = j;
    } else {
      static_assert(sizeof(T) == 0, "JsonGet: unsupported type");
    }
    return absl::OkStatus();
  }
};

template <typename T>
struct JsonGetter<std::vector<T>> {
  static absl::Status Get(const Json& j, const std::string& path, std::vector<T>* out) {
    if (!j.is_array()) return json_internal::TypeError(j, path, "array");
    std::vector<T> result(j.size());
    for (size_t i = 0; i < j.size(); ++i) {
      absl::Status s = JsonGetter<T>::Get(j[i], JsonIndexPath(path, i), &result[i]);
      if (!s.ok()) return s;
    }
    *out = std::move(result);
    return absl::OkStatus();
  }
};

template <typename T>
struct JsonGetter<std::map<std::string, T>> {
  static absl::Status Get(const Json& j, const std::string& path, std::map<std::string, T>* out) {
    if (!j.is_object()) return json_internal::TypeError(j, path, "object");
    std::map<std::string, T> result;
    for (auto it = j.begin(); it != j.end(); ++it) {
      absl::Status s =
          JsonGetter<T>::Get(it.value(), JsonChildPath(path, it.key()), &result[it.key()]);
      if (!s.ok()) return s;
    }
    *out = std::move(result);
    return absl::OkStatus();
  }
};

template <typename T>
struct JsonGetter<std::optional<T>> {
  static absl::Status Get(const Json& j, const std::string& path, std::optional<T>* out) {
    if (j.is_null()) {
      out->reset();
      return absl::OkStatus();
    }
    T value;
    absl::Status s = JsonGetter<T>::Get(j, path, &value);
    if (s.ok()) *out = std::move(value);
    return s;
  }
};

template <typename T>
absl::Status JsonGet(const Json& j, const std::string& path, T* out) {
  return JsonGetter<T>::Get(j, path, out);
}

}  // namespace nas

#endif  // NAS_BASE_JSON_H_
