// GumbelTrainer on the synthetic dataset: it learns, the logits move, the
// temperature anneals, a resumed run ends where an uninterrupted one does,
// and its options are validated.
#include "algorithms/gumbel/gumbel_trainer.h"

#include <cstdlib>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/utils.h>

#include "algorithms/random/small_cnn_space.h"
#include "datasets/loader.h"
#include "datasets/split.h"
#include "datasets/synthetic.h"
#include "nas/analysis/latency_table.h"
#include "nas/base/file.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable_tree.h"
#include "nas/testing/status_matchers.h"
#include "nas/testing/tensor_matchers.h"

namespace nas::gumbel {
namespace {

using ::nas::testing::StatusIs;
using ::nas::testing::TensorEq;
using ::testing::HasSubstr;

struct Data {
  Data() {
    datasets::DatasetOptions options;
    options.synthetic_size = 512;
    auto data = datasets::MakeSynthetic(options);
    auto split = datasets::SplitTrainValid(*data, 0.75, 0);
    train = std::make_unique<datasets::DataLoader>(
        split->train, datasets::LoaderOptions().batch_size(32).workers(0));
    valid = std::make_unique<datasets::DataLoader>(
        split->valid, datasets::LoaderOptions().batch_size(64).shuffle(false).workers(0));
  }
  std::unique_ptr<datasets::DataLoader> train, valid;
};

const char* kSpace =
    R"({"channels": 8, "layers": 2, "ops": ["conv3x3", "conv5x5", "maxpool3x3", "identity"]})";

std::string TempDir(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

// A table for small_cnn's layer choices: conv3x3 2 ms, conv5x5 6 ms,
// maxpool 1 ms, identity 0.
std::shared_ptr<LatencyTable> OpTable(torch::nn::Module& model) {
  auto table = std::make_shared<LatencyTable>();
  const SearchSpace space = *SearchSpaceOf(model);
  for (const ChoiceSpec& spec : space.choices()) {
    if (spec.kind != MutableKind::kLayerChoice) continue;
    table->names[spec.key] = spec.candidates;
    table->candidates[spec.key] = {2, 6, 1, 0};
  }
  table->rest_ms = 1;
  return table;
}

// A budget below what the search drifts to: the penalty pulls the
// expected latency down, and the run reports the exported latency.
TEST(GumbelTrainerTest, ALatencyBudgetPullsTheExpectedLatencyDown) {
  auto run = [](double budget) {
    torch::manual_seed(0);
    Data data;
    auto built = random::MakeSmallCnn(Json::parse(kSpace));
    TrainerOptions o;
    o.epochs = 1;
    o.progress = false;
    GumbelTrainerOptions go;
    go.arch_lr = 0.05;
    go.latency.budget_ms = budget;
    go.latency.weight = 5;
    GumbelTrainer trainer(o, go, *built, data.train.get(), data.valid.get());
    trainer.set_latency_table(OpTable(*built->model));
    const double before = trainer.expected_latency().item<double>();
    EXPECT_OK(trainer.fit());
    EXPECT_EQ(trainer.last_validation().count("latency_ms"), 1u);
    return std::make_pair(before, trainer.expected_latency().item<double>());
  };
  const auto [start, free] = run(0);
  const auto [start_budget, budgeted] = run(1.5);
  EXPECT_DOUBLE_EQ(start, start_budget) << "same initial logits";
  EXPECT_LT(budgeted, start - 0.5) << "the penalty lowers the expectation";
  EXPECT_LT(budgeted, free - 0.5);
}

TEST(GumbelTrainerTest, LearnsWeightsAndLogits) {
  torch::manual_seed(0);
  Data data;
  auto built = random::MakeSmallCnn(Json::parse(kSpace));
  ASSERT_OK(built);
  TrainerOptions o;
  o.epochs = 3;
  o.progress = false;
  o.output_dir = TempDir("learns");
  GumbelTrainerOptions go;
  go.lr = 0.1;
  go.arch_lr = 0.05;
  GumbelTrainer trainer(o, go, *built, data.train.get(), data.valid.get());
  absl::Status status = trainer.fit();
  ASSERT_OK(status);
  EXPECT_GT(trainer.last_validation().at("accuracy"), 0.2);  // chance: 0.1
  double moved = 0;
  for (const at::Tensor& l : trainer.mutator().parameters()) moved += l.abs().sum().item<double>();
  EXPECT_GT(moved, 0.01) << "the architecture logits never changed";
  EXPECT_DOUBLE_EQ(trainer.mutator().temperature(), go.tau_end);
  // The temperature is logged with every training record.
  std::istringstream lines(*ReadFile(JoinPath(o.output_dir, "metrics.jsonl")));
  std::string line;
  std::vector<double> loss, temperature;
  while (std::getline(lines, line)) {
    Json j = Json::parse(line);
    if (j["split"] != "train") continue;
    loss.push_back(j["loss"].get<double>());
    temperature.push_back(j["temperature"].get<double>());
  }
  ASSERT_GE(loss.size(), 2u);
  EXPECT_LT(loss.back(), loss.front());
  EXPECT_GT(temperature.front(), temperature.back());
}

// Weights and logits after `epochs`, trained in one go or resumed after
// the first epoch.
std::pair<std::vector<at::Tensor>, std::vector<at::Tensor>> Train(
    const std::string& dir, bool interrupted, const GumbelTrainerOptions& go = {}) {
  torch::manual_seed(0);
  Data data;
  auto built = random::MakeSmallCnn(Json::parse(kSpace));
  TrainerOptions o;
  o.epochs = 2;
  o.progress = false;
  o.output_dir = dir;
  if (interrupted) {
    // Stopped after the first epoch (same schedule: epochs = 2), then resumed.
    TrainerOptions first = o;
    first.max_steps = data.train->batches_per_epoch();
    GumbelTrainer trainer(first, go, *built, data.train.get(), data.valid.get());
    EXPECT_OK(trainer.fit());
    torch::manual_seed(123);  // resume must not depend on the global generator
    built = random::MakeSmallCnn(Json::parse(kSpace));
    o.resume = true;
  }
  GumbelTrainer trainer(o, go, *built, data.train.get(), data.valid.get());
  absl::Status status = trainer.fit();
  EXPECT_OK(status);
  std::vector<at::Tensor> weights;
  for (const auto& p : built->model->parameters()) weights.push_back(p.detach().clone());
  std::vector<at::Tensor> logits;
  for (const auto& l : trainer.mutator().parameters()) logits.push_back(l.detach().clone());
  return {weights, logits};
}

TEST(GumbelTrainerTest, ResumeContinuesExactly) {
  auto [w_whole, l_whole] = Train(TempDir("whole"), false);
  auto [w_resumed, l_resumed] = Train(TempDir("resumed"), true);
  ASSERT_EQ(w_whole.size(), w_resumed.size());
  for (size_t i = 0; i < w_whole.size(); ++i) EXPECT_THAT(w_resumed[i], TensorEq(w_whole[i])) << i;
  ASSERT_EQ(l_whole.size(), l_resumed.size());
  for (size_t i = 0; i < l_whole.size(); ++i) EXPECT_THAT(l_resumed[i], TensorEq(l_whole[i])) << i;
}

GumbelTrainerOptions Gdas() {
  GumbelTrainerOptions o;
  o.bilevel = true;
  o.tau_schedule = "linear";
  o.tau_start = 10;
  o.tau_end = 0.1;
  o.arch_lr = 0.05;
  return o;
}

TEST(GumbelTrainerTest, BilevelResumeContinuesExactly) {
  auto [w_whole, l_whole] = Train(TempDir("gdas_whole"), false, Gdas());
  auto [w_resumed, l_resumed] = Train(TempDir("gdas_resumed"), true, Gdas());
  for (size_t i = 0; i < w_whole.size(); ++i) EXPECT_THAT(w_resumed[i], TensorEq(w_whole[i])) << i;
  for (size_t i = 0; i < l_whole.size(); ++i) EXPECT_THAT(l_resumed[i], TensorEq(l_whole[i])) << i;
}

TEST(GumbelTrainerTest, BilevelTrainsLogitsOnValidationBatchesAndWeightsOnTraining) {
  torch::manual_seed(0);
  Data data;
  auto built = random::MakeSmallCnn(Json::parse(kSpace));
  ASSERT_OK(built);
  TrainerOptions o;
  o.epochs = 2;
  o.progress = false;
  o.output_dir = TempDir("gdas");
  GumbelTrainerOptions go = Gdas();
  go.lr = 0.1;
  GumbelTrainer trainer(o, go, *built, data.train.get(), data.valid.get());
  const std::vector<at::Tensor> weights_before = [&] {
    std::vector<at::Tensor> w;
    for (const auto& p : built->model->parameters()) w.push_back(p.detach().clone());
    return w;
  }();
  ASSERT_OK(trainer.fit());
  double moved = 0;
  for (const at::Tensor& l : trainer.mutator().parameters()) moved += l.abs().sum().item<double>();
  EXPECT_GT(moved, 0.01) << "the architecture logits never changed";
  int weights_moved = 0;
  auto params = built->model->parameters();
  for (size_t i = 0; i < params.size(); ++i)
    weights_moved += !torch::equal(params[i], weights_before[i]);
  EXPECT_GT(weights_moved, 0);
  EXPECT_DOUBLE_EQ(trainer.mutator().temperature(), 0.1);
  // Both losses are logged, and the temperature falls linearly.
  std::istringstream lines(*ReadFile(JoinPath(o.output_dir, "metrics.jsonl")));
  std::string line;
  int train_records = 0;
  while (std::getline(lines, line)) {
    Json j = Json::parse(line);
    if (j["split"] != "train") continue;
    ++train_records;
    EXPECT_TRUE(j.contains("arch_loss")) << line;
  }
  EXPECT_GT(train_records, 0);
  // Without validation batches there is nothing to step the logits on.
  EXPECT_THROW(GumbelTrainer(o, go, *built, data.train.get(), nullptr), c10::Error);
}

TEST(GumbelTrainerTest, TemperatureAnnealsLinearlyForGdas) {
  GumbelTrainerOptions o;
  o.tau_start = 10;
  o.tau_end = 0.1;
  o.tau_schedule = "linear";
  EXPECT_DOUBLE_EQ(AnnealedTemperature(o, 0, 12), 10);
  EXPECT_NEAR(AnnealedTemperature(o, 11, 23), 5.05, 1e-12);
  EXPECT_DOUBLE_EQ(AnnealedTemperature(o, 11, 12), 0.1);
}

TEST(GumbelTrainerTest, TemperatureAnnealsExponentially) {
  GumbelTrainerOptions o;
  o.tau_start = 4;
  o.tau_end = 1;
  EXPECT_DOUBLE_EQ(AnnealedTemperature(o, 0, 5), 4);
  EXPECT_DOUBLE_EQ(AnnealedTemperature(o, 2, 5), 2);
  EXPECT_DOUBLE_EQ(AnnealedTemperature(o, 4, 5), 1);
  EXPECT_DOUBLE_EQ(AnnealedTemperature(o, 9, 5), 1);
}

TEST(GumbelTrainerTest, OptionsRoundTripAndAreValidated) {
  GumbelTrainerOptions o;
  o.mode = "soft";
  o.arch_lr = 0.01;
  o.bilevel = true;
  o.tau_schedule = "linear";
  GumbelTrainerOptions back;
  ASSERT_OK(GumbelTrainerOptionsFromJson(GumbelTrainerOptionsToJson(o), "o", &back));
  EXPECT_EQ(GumbelTrainerOptionsToJson(back), GumbelTrainerOptionsToJson(o));
  auto parse = [](const char* json) {
    GumbelTrainerOptions out;
    return GumbelTrainerOptionsFromJson(Json::parse(json), "config.optimizer", &out);
  };
  auto invalid = [](const std::string& message) {
    return StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(message));
  };
  EXPECT_THAT(parse(R"({"tau": 1})"), invalid("unknown member config.optimizer.tau"));
  EXPECT_THAT(parse(R"({"mode": "gentle"})"),
              invalid("unknown Gumbel mode 'gentle'; use hard or soft"));
  EXPECT_THAT(parse(R"({"tau_end": 0})"), invalid("tau_start and tau_end must be > 0"));
  EXPECT_THAT(parse(R"({"lr": "fast"})"), invalid("config.optimizer.lr"));
  EXPECT_THAT(parse(R"({"tau_schedule": "cosine"})"),
              invalid("config.optimizer.tau_schedule: 'cosine' is not one of exponential, linear"));
  EXPECT_THAT(parse(R"({"bilevel": 1})"), invalid("config.optimizer.bilevel"));
}

}  // namespace
}  // namespace nas::gumbel
