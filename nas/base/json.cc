#include "nas/base/json.h"

#include "absl/strings/str_join.h"
#include "nas/base/file.h"

namespace nas {

std::string JsonTypeName(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "object";
    case Json::value_t::array:
      return "array";
    case Json::value_t::string:
      return "string";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "integer";
    case Json::value_t::number_float:
      return "number";
    default:
      return "value";
  }
}

int64_t JsonIntegerOr(const Json& j, const std::string& name, int64_t fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_integer()) return fallback;
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return fallback;
  }
  return it->get<int64_t>();
}

std::string JsonStringOr(const Json& j, const std::string& name, const std::string& fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

std::string JsonChildPath(const std::string& path, absl::string_view member) {
  return absl::StrCat(path.empty() ? "$" : path, ".", member);
}

std::string JsonIndexPath(const std::string& path, size_t index) {
  return absl::StrCat(path.empty() ? "$" : path, "[", index, "]");
}

namespace {

// Containers nested deeper than this are refused: nothing we read needs more
// than a handful, and every recursive walk (copies, dumps, readers) of a
// deeper document risks the stack.
constexpr int kMaxJsonDepth = 256;

// Thrown by the parse callback to stop at a document we refuse.
struct RefusedJson {
  std::string message;
};

// Tracks where the parser is, to refuse duplicate members and deep nesting
// with the JSON path of the offending object.
class JsonShapeCheck {
 public:
  bool operator()(int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        BeginElement();
        if (frames_.size() >= static_cast<size_t>(kMaxJsonDepth)) {
          std::string at = Path();
          if (at.size() > 80) at = at.substr(0, 80) + "...";
          throw RefusedJson{absl::StrCat("nested deeper than ", kMaxJsonDepth, " levels at ", at)};
        }
        frames_.emplace_back();
        frames_.back().object = event == Json::parse_event_t::object_start;
        break;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        if (!frames_.empty()) frames_.pop_back();
        break;
      case Json::parse_event_t::key: {
        Frame& top = frames_.back();
        top.key = parsed.get<std::string>();
        if (!top.keys.insert(top.key).second) {
          throw RefusedJson{absl::StrCat("duplicate member ", JsonChildPath(Path(), top.key))};
        }
        break;
      }
      case Json::parse_event_t::value:
        BeginElement();
        break;
    }
    return true;
  }

 private:
  struct Frame {
    bool object = false;
    std::string key;
    int64_t index = -1;
    std::set<std::string> keys;
  };

  // A value starts inside the innermost container.
  void BeginElement() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
  }

  // The JSON path of the innermost container.
  std::string Path() const {
    std::string path = "$";
    for (size_t i = 0; i + 1 < frames_.size(); ++i) {
      path = frames_[i].object ? JsonChildPath(path, frames_[i].key)
                               : JsonIndexPath(path, static_cast<size_t>(frames_[i].index));
    }
    return path;
  }

  std::vector<Frame> frames_;
};

}  // namespace

absl::StatusOr<Json> ParseJson(absl::string_view text, absl::string_view source) {
  try {
    return Json::parse(text.begin(), text.end(), JsonShapeCheck());
  } catch (const RefusedJson& refused) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", refused.message));
  } catch (const Json::parse_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": malformed JSON at byte ", e.byte, ": ", e.what()));
  } catch (const Json::exception& e) {
    // A number out of double's range ("1e400") and the like.
    return absl::InvalidArgumentError(absl::StrCat(source, ": malformed JSON: ", e.what()));
  }
}

absl::StatusOr<Json> ReadJsonFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseJson(*text, path);
}

absl::Status WriteJsonFile(const std::string& path, const Json& j) {
  return WriteFileAtomically(path, j.dump(2) + "\n");
}

namespace json_internal {

absl::Status TypeError(const Json& j, const std::string& path, absl::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": expected ", expected, ", got ", JsonTypeName(j),
                   j.is_primitive() ? absl::StrCat(" ", j.dump()) : ""));
}

absl::Status GetInteger(const Json& j, const std::string& path, int64_t min, int64_t max,
                        int64_t* out) {
  int64_t v;
  if (j.is_number_integer()) {
    if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", j.dump(), " is out of range"));
    }
    v = j.get<int64_t>();
  } else if (j.is_number_float() &&
             j.get<double>() == static_cast<double>(static_cast<int64_t>(j.get<double>()))) {
    v = static_cast<int64_t>(j.get<double>());  // 3.0 is accepted as 3
  } else {
    return TypeError(j, path, "integer");
  }
  if (v < min || v > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", v, " is out of range [", min, ", ", max, "]"));
  }
  *out = v;
  return absl::OkStatus();
}

}  // namespace json_internal

JsonObjectReader::JsonObjectReader(const Json& object, std::string path)
    : object_(object), path_(path.empty() ? "$" : std::move(path)) {
  if (!object_.is_object()) status_ = json_internal::TypeError(object_, path_, "object");
}

const Json* JsonObjectReader::Find(const std::string& name) {
  asked_.insert(name);
  if (!object_.is_object()) return nullptr;
  auto it = object_.find(name);
  if (it == object_.end()) return nullptr;
  seen_.insert(name);
  return &*it;
}

absl::Status JsonObjectReader::Finish() {
  if (!status_.ok()) return status_;
  std::vector<std::string> unknown;
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    if (!seen_.count(it.key())) unknown.push_back(JsonChildPath(path_, it.key()));
  }
  if (unknown.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("unknown member", unknown.size() > 1 ? "s " : " ", absl::StrJoin(unknown, ", "),
                   "; known members: ", asked_.empty() ? "(none)" : absl::StrJoin(asked_, ", ")));
}

}  // namespace nas
