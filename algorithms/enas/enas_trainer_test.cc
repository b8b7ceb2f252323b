// EnasTrainer on synthetic data with a tiny macro space: the baseline
// arithmetic, both phases logged, exact resume, the export, and strict
// options.
#include "algorithms/enas/enas_trainer.h"

#include <cstdlib>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/utils.h>

#include "algorithms/enas/macro_space.h"
#include "datasets/loader.h"
#include "datasets/split.h"
#include "datasets/synthetic.h"
#include "nas/analysis/latency_table.h"
#include "nas/base/file.h"
#include "nas/core/mutable_tree.h"
#include "nas/testing/status_matchers.h"

namespace nas::enas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

TEST(EnasTrainerTest, BaselineArithmetic) {
  EXPECT_DOUBLE_EQ(UpdateBaseline(std::nullopt, 0.7, 0.999), 0.7);
  EXPECT_DOUBLE_EQ(UpdateBaseline(0.5, 1.0, 0.9), 0.9 * 0.5 + 0.1 * 1.0);
  EXPECT_DOUBLE_EQ(UpdateBaseline(0.5, 1.0, 0.0), 1.0);
  double b = 0.2;
  for (int i = 0; i < 2000; ++i) b = UpdateBaseline(b, 0.8, 0.99);
  EXPECT_NEAR(b, 0.8, 1e-6);
}

struct Fixture {
  Fixture() {
    // Tiny models: one thread beats two competing on a busy machine.
    torch::set_num_threads(1);
    datasets::DatasetOptions data_options;
    data_options.synthetic_size = 256;
    auto data = datasets::MakeSynthetic(data_options);
    auto split = datasets::SplitTrainValid(*data, 0.75, 0);
    train = std::make_unique<datasets::DataLoader>(
        split->train, datasets::LoaderOptions().batch_size(32).workers(0).seed(1));
    valid = std::make_unique<datasets::DataLoader>(
        split->valid, datasets::LoaderOptions().batch_size(16).workers(0).seed(2));
    score = std::make_unique<datasets::DataLoader>(
        split->valid, datasets::LoaderOptions().batch_size(64).shuffle(false).workers(0));
  }
  std::unique_ptr<datasets::DataLoader> train, valid, score;
};

EnasTrainerOptions SmallOptions() {
  EnasTrainerOptions o;
  o.controller_steps = 3;
  o.aggregate = 2;
  o.baseline_decay = 0.9;
  o.controller_lr = 0.01;
  o.mutator.lstm_size = 16;
  return o;
}

BuiltSpace SmallMacro() {
  torch::manual_seed(0);
  return *MakeEnasMacro(Json::parse(R"({"layers": 3, "channels": 4})"));
}

std::vector<Json> Lines(const std::string& path) {
  std::istringstream lines(*ReadFile(path));
  std::vector<Json> out;
  std::string line;
  while (std::getline(lines, line)) out.push_back(Json::parse(line));
  return out;
}

TEST(EnasTrainerTest, BothPhasesRunAndLog) {
  Fixture f;
  std::string dir = JoinPath(std::getenv("TEST_TMPDIR"), "phases");
  TrainerOptions t;
  t.epochs = 2;
  t.progress = false;
  t.output_dir = dir;
  EnasTrainer trainer(t, SmallOptions(), SmallMacro(), f.train.get(), f.valid.get());
  absl::Status status = trainer.fit();
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_TRUE(trainer.baseline().has_value());
  int rewards = 0;
  for (const Json& j : Lines(JoinPath(dir, "metrics.jsonl"))) {
    if (j["split"] == "valid") {
      ++rewards;
      EXPECT_GE(j["reward"].get<double>(), 0);
      EXPECT_GT(j["entropy"].get<double>(), 0);
    }
  }
  EXPECT_EQ(rewards, 2);
  EnasExport e = trainer.export_architectures(*f.score, 4, 3, 1, 0);
  EXPECT_EQ(e.sample_accuracies.size(), 4u);
  EXPECT_EQ(e.random_accuracies.size(), 3u);
  EXPECT_EQ(e.best.accuracy,
            *std::max_element(e.sample_accuracies.begin(), e.sample_accuracies.end()));
  EXPECT_EQ(e.best.architecture.values().size(), 5u);  // 3 ops + 2 skips
  EXPECT_EQ(e.greedy.architecture.values().size(), 5u);
}

// Interrupted in epoch 1 and resumed == uninterrupted: model, controller,
// baseline and the validation position all come back.
// A table of the space's layer choices: candidate i costs i ms.
std::shared_ptr<LatencyTable> IndexTable(torch::nn::Module& model) {
  auto table = std::make_shared<LatencyTable>();
  const SearchSpace space = *SearchSpaceOf(model);
  for (const ChoiceSpec& spec : space.choices()) {
    if (spec.kind != MutableKind::kLayerChoice) continue;
    table->names[spec.key] = spec.candidates;
    for (int64_t i = 0; i < spec.size(); ++i) table->candidates[spec.key].push_back(i);
  }
  return table;
}

TEST(EnasTrainerTest, ALatencyBudgetPenalisesTheRewardAndBoundsTheExport) {
  Fixture f;
  TrainerOptions t;
  t.epochs = 1;
  t.progress = false;
  BuiltSpace built = SmallMacro();
  std::shared_ptr<LatencyTable> table = IndexTable(*built.model);
  EnasTrainerOptions o = SmallOptions();
  o.latency.budget_ms = 1;  // at most one non-first candidate step in total
  o.latency.weight = 10;
  EnasTrainer trainer(t, o, built, f.train.get(), f.valid.get());
  trainer.set_latency_table(table);
  ASSERT_OK(trainer.fit());
  const Metrics& v = trainer.last_validation();
  ASSERT_EQ(v.count("latency_ms"), 1u);
  // The penalty is in the reward: the samples average over twice the
  // budget, so it outweighs the entropy bonus (1e-4 x ~1).
  ASSERT_GT(v.at("latency_ms"), 2 * o.latency.budget_ms);
  EXPECT_LT(v.at("reward"), v.at("accuracy"));
  EnasExport e = trainer.export_architectures(*f.score, 16, 0, 1, 0);
  ASSERT_OK(Architecture::from_json(e.best.architecture.to_json()).status());
  // The best within the budget when a sample fits, else the fastest.
  absl::StatusOr<Decisions> best = e.best.architecture.resolve(trainer.mutator().search_space());
  ASSERT_OK(best.status());
  EXPECT_DOUBLE_EQ(*table->predict(*best), e.best.latency_ms);
  absl::StatusOr<Decisions> greedy =
      e.greedy.architecture.resolve(trainer.mutator().search_space());
  EXPECT_DOUBLE_EQ(*table->predict(*greedy), e.greedy.latency_ms);
  ASSERT_EQ(e.sample_latencies.size(), 16u);
  double best_fitting = -1, fastest = 1e9;
  for (size_t i = 0; i < 16; ++i) {
    if (e.sample_latencies[i] <= o.latency.budget_ms)
      best_fitting = std::max(best_fitting, e.sample_accuracies[i]);
    fastest = std::min(fastest, e.sample_latencies[i]);
  }
  if (best_fitting >= 0) {
    EXPECT_LE(e.best.latency_ms, o.latency.budget_ms);
    EXPECT_EQ(e.best.accuracy, best_fitting);
  } else {
    EXPECT_EQ(e.best.latency_ms, fastest);
  }
}

TEST(EnasTrainerTest, ALatencyBudgetWithoutATableIsAnError) {
  Fixture f;
  TrainerOptions t;
  t.epochs = 1;
  t.progress = false;
  EnasTrainerOptions o = SmallOptions();
  o.latency.budget_ms = 1;
  EnasTrainer trainer(t, o, SmallMacro(), f.train.get(), f.valid.get());
  absl::Status status = trainer.fit();
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("needs a latency table")));
}

TEST(EnasTrainerTest, ResumeIsExact) {
  auto run = [](const std::string& name, bool interrupt) {
    Fixture f;
    std::string dir = JoinPath(std::getenv("TEST_TMPDIR"), name);
    TrainerOptions t;
    t.epochs = 2;
    t.progress = false;
    t.output_dir = dir;
    if (interrupt) {
      t.max_steps = f.train->batches_per_epoch() + 2;
      EnasTrainer first(t, SmallOptions(), SmallMacro(), f.train.get(), f.valid.get());
      EXPECT_TRUE(first.fit().ok());
      t.max_steps = 0;
      t.resume = true;
    }
    Fixture g;
    EnasTrainer trainer(t, SmallOptions(), SmallMacro(), g.train.get(), g.valid.get());
    EXPECT_TRUE(trainer.fit().ok());
    std::vector<at::Tensor> state;
    for (const auto& p : trainer.model()->parameters()) state.push_back(p.detach().clone());
    for (const auto& p : trainer.mutator().parameters()) state.push_back(p.detach().clone());
    state.push_back(torch::tensor(trainer.baseline().value_or(-1), torch::kDouble));
    return state;
  };
  std::vector<at::Tensor> whole = run("whole", false), resumed = run("resumed", true);
  ASSERT_EQ(whole.size(), resumed.size());
  for (size_t i = 0; i < whole.size(); ++i)
    EXPECT_TRUE(torch::equal(whole[i], resumed[i])) << "tensor " << i;
}

TEST(EnasTrainerTest, OptionsRoundTripAndRejectBadValues) {
  EnasTrainerOptions o;
  o.aggregate = 7;
  o.mutator.tanh_constant = 1.1;
  EnasTrainerOptions back;
  ASSERT_TRUE(EnasTrainerOptionsFromJson(EnasTrainerOptionsToJson(o), "$", &back).ok());
  EXPECT_EQ(EnasTrainerOptionsToJson(back), EnasTrainerOptionsToJson(o));
  EnasTrainerOptions bad;
  absl::Status s = EnasTrainerOptionsFromJson(Json::parse(R"({"aggregat": 3})"), "$.enas", &bad);
  EXPECT_NE(std::string(s.message()).find("aggregat"), std::string::npos) << s;
  s = EnasTrainerOptionsFromJson(Json::parse(R"({"baseline_decay": 1.0})"), "$.enas", &bad);
  EXPECT_NE(std::string(s.message()).find("$.enas.baseline_decay must be in [0, 1)"),
            std::string::npos)
      << s;
  s = EnasTrainerOptionsFromJson(Json::parse(R"({"mutator": {"skip_target": 0}})"), "$.enas", &bad);
  EXPECT_NE(std::string(s.message()).find("$.enas.mutator.skip_target"), std::string::npos) << s;
}

}  // namespace
}  // namespace nas::enas
