#include "nas/multi_trial/benchmark_table.h"

#include <sstream>

#include "absl/strings/str_cat.h"
#include "nas/base/digest.h"
#include "nas/base/file.h"
#include "nas/base/status.h"
#include "nas/core/parameters.h"

namespace nas {
namespace {

absl::StatusOr<BenchmarkRow> RowFromJson(const Json& j, const std::string& path) {
  BenchmarkRow row;
  JsonObjectReader r(j, path);
  Json architecture, runs;
  r.Required("architecture", &architecture)
      .Optional("name", &row.name)
      .Optional("flops", &row.flops)
      .Optional("parameters", &row.parameters)
      .Required("train_seconds", &row.train_seconds)
      .Required("runs", &runs);
  NAS_RETURN_IF_ERROR(r.Finish());
  NAS_ASSIGN_OR_RETURN(row.architecture,
                       Architecture::from_json(architecture, JsonChildPath(path, "architecture")));
  if (!runs.is_array() || runs.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(JsonChildPath(path, "runs"), ": expected a non-empty array"));
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    BenchmarkRun run;
    const std::string run_path = JsonIndexPath(JsonChildPath(path, "runs"), i);
    JsonObjectReader rr(runs[i], run_path);
    rr.Required("seed", &run.seed)
        .Required("valid_accuracy", &run.valid_accuracy)
        .Required("test_accuracy", &run.test_accuracy)
        .Optional("train_loss", &run.train_loss);
    NAS_RETURN_IF_ERROR(rr.Finish());
    for (double v : {run.valid_accuracy, run.test_accuracy}) {
      if (!(v >= 0 && v <= 1))
        return absl::InvalidArgumentError(absl::StrCat(run_path, ": accuracies are in [0, 1]"));
    }
    row.runs.push_back(run);
  }
  if (!(row.train_seconds >= 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat(JsonChildPath(path, "train_seconds"), " must be >= 0"));
  }
  return row;
}

}  // namespace

double BenchmarkRow::mean_valid_accuracy() const {
  double s = 0;
  for (const BenchmarkRun& r : runs) s += r.valid_accuracy;
  return runs.empty() ? 0 : s / runs.size();
}

double BenchmarkRow::mean_test_accuracy() const {
  double s = 0;
  for (const BenchmarkRun& r : runs) s += r.test_accuracy;
  return runs.empty() ? 0 : s / runs.size();
}

Json BenchmarkRowToJson(const BenchmarkRow& row) {
  Json runs = Json::array();
  for (const BenchmarkRun& r : row.runs) {
    runs.push_back({{"seed", r.seed},
                    {"valid_accuracy", r.valid_accuracy},
                    {"test_accuracy", r.test_accuracy},
                    {"train_loss", r.train_loss}});
  }
  return {{"architecture", row.architecture.to_json()},
          {"name", row.name},
          {"flops", row.flops},
          {"parameters", row.parameters},
          {"train_seconds", row.train_seconds},
          {"runs", runs}};
}

absl::StatusOr<BenchmarkTable> BenchmarkTable::Create(Json header, std::vector<BenchmarkRow> rows) {
  BenchmarkTable table;
  if (!header.is_object())
    return absl::InvalidArgumentError("benchmark table: the header must be an object");
  if (!header.contains("space") || !header["space"].is_string()) {
    return absl::InvalidArgumentError("benchmark table: the header lacks \"space\"");
  }
  if (!header.contains("search_space")) {
    return absl::InvalidArgumentError("benchmark table: the header lacks \"search_space\"");
  }
  table.space_ = header["space"].get<std::string>();
  NAS_ASSIGN_OR_RETURN(table.search_space_, Annotate(SearchSpace::from_json(header["search_space"]),
                                                     "benchmark table: search_space"));
  header["format"] = kBenchmarkTableFormat;
  header["rows"] = rows.size();
  table.header_ = std::move(header);
  for (size_t i = 0; i < rows.size(); ++i) {
    NAS_ASSIGN_OR_RETURN(std::string key, Annotate(table.key_of(rows[i].architecture),
                                                   absl::StrCat("benchmark table: row ", i + 1)));
    if (!table.index_.emplace(key, i).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("benchmark table: row ", i + 1, " repeats the architecture ", key));
    }
  }
  table.rows_ = std::move(rows);
  std::string lines;
  for (const BenchmarkRow& row : table.rows_) lines += BenchmarkRowToJson(row).dump() + "\n";
  table.header_["rows_sha256"] = Sha256Hex(lines);
  return table;
}

absl::Status BenchmarkTable::Write(const std::string& path) const {
  std::string text = header_.dump() + "\n";
  for (const BenchmarkRow& row : rows_) text += BenchmarkRowToJson(row).dump() + "\n";
  return WriteFileAtomically(path, text);
}

absl::StatusOr<BenchmarkTable> BenchmarkTable::Read(const std::string& path) {
  NAS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line))
    return absl::DataLossError(absl::StrCat(path, ": empty, not a benchmark table"));
  NAS_ASSIGN_OR_RETURN(Json header, ParseJson(line, absl::StrCat(path, ": line 1")));
  if (!header.is_object() || header.value("format", "") != kBenchmarkTableFormat) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a benchmark table (format ",
                                                   header.is_object() && header.contains("format")
                                                       ? header["format"].dump()
                                                       : std::string("missing"),
                                                   ", expected \"", kBenchmarkTableFormat, "\")"));
  }
  int64_t expected_rows = -1;
  std::string expected_digest;
  NAS_RETURN_IF_ERROR(
      Annotate(JsonGet(header.value("rows", Json()), "$.rows", &expected_rows), path));
  NAS_RETURN_IF_ERROR(Annotate(
      JsonGet(header.value("rows_sha256", Json()), "$.rows_sha256", &expected_digest), path));
  std::vector<BenchmarkRow> rows;
  std::string lines;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    lines += line + "\n";
    absl::StatusOr<Json> j = ParseJson(line, absl::StrCat(path, ": line ", number));
    if (!j.ok()) {
      // A torn last line is damage, not a format error.
      if (in.eof()) return absl::DataLossError(absl::StrCat(path, ": truncated at line ", number));
      return j.status();
    }
    NAS_ASSIGN_OR_RETURN(BenchmarkRow row,
                         RowFromJson(*j, absl::StrCat(path, ": line ", number, ": $")));
    rows.push_back(std::move(row));
  }
  if (static_cast<int64_t>(rows.size()) != expected_rows) {
    return absl::DataLossError(absl::StrCat(path, ": ", rows.size(), " rows but the header says ",
                                            expected_rows, " (truncated or edited)"));
  }
  if (Sha256Hex(lines) != expected_digest) {
    return absl::DataLossError(
        absl::StrCat(path, ": the rows do not match the header's rows_sha256 (damaged or edited)"));
  }
  return Annotate(Create(std::move(header), std::move(rows)), path);
}

absl::StatusOr<std::string> BenchmarkTable::key_of(const Architecture& architecture) const {
  NAS_ASSIGN_OR_RETURN(Decisions decisions, architecture.resolve(search_space_));
  return Architecture::from_decisions(decisions, search_space_).to_json().dump();
}

absl::StatusOr<const BenchmarkRow*> BenchmarkTable::find(const Architecture& architecture) const {
  NAS_ASSIGN_OR_RETURN(std::string key, key_of(architecture));
  auto it = index_.find(key);
  if (it == index_.end()) {
    return absl::NotFoundError(absl::StrCat(
        "architecture ", key, " is not in the benchmark table of space '", space_, "'"));
  }
  return &rows_[it->second];
}

absl::StatusOr<const BenchmarkRow*> BenchmarkTable::find_parameters(const Json& parameters) const {
  NAS_ASSIGN_OR_RETURN(Architecture arch, ArchitectureFromParameters(parameters, search_space_));
  return find(arch);
}

TrialOutcome TableEvaluator::evaluate(const TrialRequest& trial) {
  TrialOutcome outcome;
  absl::StatusOr<const BenchmarkRow*> row = table_->find_parameters(trial.parameters);
  if (!row.ok()) {
    outcome.status = TrialStatus::kFailed;
    outcome.message = std::string(row.status().message());
    return outcome;
  }
  const BenchmarkRun& run = (*row)->runs[trial.seed % (*row)->runs.size()];
  outcome.status = TrialStatus::kSucceeded;
  outcome.report.final_value = run.valid_accuracy;
  outcome.report.intermediate = {run.valid_accuracy};
  outcome.report.metrics = {{"test_accuracy", run.test_accuracy},
                            {"mean_test_accuracy", (*row)->mean_test_accuracy()},
                            {"train_seconds", (*row)->train_seconds},
                            {"name", (*row)->name}};
  std::lock_guard<std::mutex> lock(mu_);
  simulated_seconds_ += (*row)->train_seconds;
  outcome.report.metrics["simulated_seconds"] = simulated_seconds_;
  return outcome;
}

double TableEvaluator::simulated_seconds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return simulated_seconds_;
}

}  // namespace nas
