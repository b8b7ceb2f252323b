// The benchmark table through its public interface: write and read back,
// lookups in any architecture form, damage detected, and the table-backed
// evaluator driving a tuner at simulated cost.
#include "nas/multi_trial/benchmark_table.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/file.h"
#include "nas/core/parameters.h"
#include "nas/multi_trial/tuner_driver.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

std::string Dir(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

Json SearchSpaceJson() {
  return Json::parse(R"({"op": {"_type": "layer_choice", "_value": ["a", "b", "c"]},
                         "skip": {"_type": "layer_choice", "_value": ["yes", "no"]}})");
}

// Six architectures; accuracy grows with the op's index.
BenchmarkTable SmallTable() {
  std::vector<BenchmarkRow> rows;
  const char* ops[] = {"a", "b", "c"};
  const char* skips[] = {"yes", "no"};
  for (int o = 0; o < 3; ++o) {
    for (int s = 0; s < 2; ++s) {
      BenchmarkRow row;
      row.architecture.set("op", ops[o]);
      row.architecture.set("skip", skips[s]);
      row.name = std::string(ops[o]) + skips[s];
      row.train_seconds = 10 + o;
      row.runs = {{1, 0.5 + 0.1 * o, 0.49 + 0.1 * o, 1.0}, {2, 0.52 + 0.1 * o, 0.5 + 0.1 * o, 0.9}};
      rows.push_back(row);
    }
  }
  return *BenchmarkTable::Create(Json{{"space", "toy"}, {"search_space", SearchSpaceJson()}}, rows);
}

TEST(BenchmarkTableTest, WritesReadsAndFindsEveryForm) {
  BenchmarkTable table = SmallTable();
  ASSERT_OK(table.Write(Dir("table.jsonl")));
  absl::StatusOr<BenchmarkTable> read = BenchmarkTable::Read(Dir("table.jsonl"));
  ASSERT_OK(read);
  EXPECT_EQ(read->rows().size(), 6u);
  EXPECT_EQ(read->space(), "toy");
  EXPECT_EQ(read->header()["rows_sha256"], table.header()["rows_sha256"]);
  // By names, by indices, by parameters.
  absl::StatusOr<const BenchmarkRow*> by_name =
      read->find(*Architecture::from_json(Json{{"op", "c"}, {"skip", "no"}}));
  ASSERT_OK(by_name);
  EXPECT_EQ((*by_name)->name, "cno");
  EXPECT_NEAR((*by_name)->mean_test_accuracy(), 0.695, 1e-12);
  absl::StatusOr<const BenchmarkRow*> by_index =
      read->find(*Architecture::from_json(Json{{"op", 2}, {"skip", 1}}));
  ASSERT_OK(by_index);
  EXPECT_EQ(*by_index, *by_name);
  Json parameters = *ParametersFromArchitecture(
      *Architecture::from_json(Json{{"op", "a"}, {"skip", "yes"}}), read->search_space());
  EXPECT_EQ((*read->find_parameters(parameters))->name, "ayes");
}

TEST(BenchmarkTableTest, UnknownAndMalformedArchitecturesAreClearErrors) {
  BenchmarkTable table = SmallTable();
  EXPECT_THAT(table.find(*Architecture::from_json(Json{{"op", "d"}, {"skip", "no"}})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("op")));
  EXPECT_THAT(table.find(*Architecture::from_json(Json{{"op", "a"}})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("skip")));
  // In the space, not in the table.
  std::vector<BenchmarkRow> one = {table.rows()[0]};
  BenchmarkTable partial =
      *BenchmarkTable::Create(Json{{"space", "toy"}, {"search_space", SearchSpaceJson()}}, one);
  EXPECT_THAT(partial.find(*Architecture::from_json(Json{{"op", "b"}, {"skip", "no"}})),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("is not in the benchmark table of space 'toy'")));
  std::vector<BenchmarkRow> twice = {table.rows()[0], table.rows()[0]};
  EXPECT_THAT(
      BenchmarkTable::Create(Json{{"space", "toy"}, {"search_space", SearchSpaceJson()}}, twice),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("row 2 repeats the architecture")));
}

TEST(BenchmarkTableTest, DamagedFilesAreRefusedNamingTheFile) {
  ASSERT_OK(SmallTable().Write(Dir("good.jsonl")));
  std::string text = *ReadFile(Dir("good.jsonl"));
  // Truncated in the middle of a row.
  ASSERT_OK(WriteFileAtomically(Dir("truncated.jsonl"), text.substr(0, text.size() - 40)));
  EXPECT_THAT(
      BenchmarkTable::Read(Dir("truncated.jsonl")),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated.jsonl: truncated at line 7")));
  // A whole row missing.
  std::string without_last = text.substr(0, text.rfind('\n', text.size() - 2) + 1);
  ASSERT_OK(WriteFileAtomically(Dir("short.jsonl"), without_last));
  EXPECT_THAT(BenchmarkTable::Read(Dir("short.jsonl")),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("5 rows but the header says 6")));
  // A number edited.
  std::string edited = text;
  edited.replace(edited.find("0.69"), 4, "0.99");
  ASSERT_OK(WriteFileAtomically(Dir("edited.jsonl"), edited));
  EXPECT_THAT(
      BenchmarkTable::Read(Dir("edited.jsonl")),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("do not match the header's rows_sha256")));
  // Not a table at all.
  ASSERT_OK(WriteFileAtomically(Dir("other.jsonl"), "{\"event\": \"search\"}\n"));
  EXPECT_THAT(BenchmarkTable::Read(Dir("other.jsonl")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("other.jsonl: not a benchmark table")));
  EXPECT_THAT(BenchmarkTable::Read(Dir("missing.jsonl")), StatusIs(absl::StatusCode::kNotFound));
}

TEST(TableEvaluatorTest, AnswersFromTheTableAndChargesSimulatedTime) {
  BenchmarkTable table = SmallTable();
  TableEvaluator evaluator(&table);
  TrialRequest trial;
  trial.parameters = *ParametersFromArchitecture(
      *Architecture::from_json(Json{{"op", "b"}, {"skip", "yes"}}), table.search_space());
  trial.seed = 3;  // the second run
  TrialOutcome outcome = evaluator.evaluate(trial);
  ASSERT_EQ(outcome.status, TrialStatus::kSucceeded) << outcome.message;
  EXPECT_DOUBLE_EQ(outcome.report.final_value, 0.62);
  EXPECT_DOUBLE_EQ(outcome.report.metrics["test_accuracy"].get<double>(), 0.6);
  EXPECT_DOUBLE_EQ(evaluator.simulated_seconds(), 11);
  trial.parameters = Json{{"op", {{"_value", "z"}, {"_idx", 7}}}};
  EXPECT_EQ(evaluator.evaluate(trial).status, TrialStatus::kFailed);
  EXPECT_DOUBLE_EQ(evaluator.simulated_seconds(), 11);  // nothing charged
}

}  // namespace
}  // namespace nas
