// ScaffoldExampleTrainer on the synthetic dataset: the loss falls, checkpoints
// resume exactly, the export runs as a fixed model; options are strict.
#include "tests/extension/scaffold_example/scaffold_example_trainer.h"

#include <cstdlib>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/utils.h>

#include "datasets/loader.h"
#include "datasets/split.h"
#include "datasets/synthetic.h"
#include "nas/base/file.h"
#include "nas/core/fixed_architecture.h"
#include "tests/extension/scaffold_example/scaffold_example_space.h"

namespace nas::scaffold_example {
namespace {

using ::testing::HasSubstr;

const char* kSpace = R"({"channels": 8, "layers": 2})";

struct Outcome {
  std::vector<at::Tensor> weights;
  std::vector<double> train_loss;
};

// Trains 2 epochs in `dir`; `interrupted` stops after the first epoch and
// resumes from its checkpoint in a fresh trainer.
Outcome Train(const std::string& dir, bool interrupted) {
  torch::manual_seed(0);
  datasets::DatasetOptions data_options;
  data_options.synthetic_size = 512;
  auto data = datasets::MakeSynthetic(data_options);
  auto split = datasets::SplitTrainValid(*data, 0.75, 0);
  datasets::DataLoader train(split->train, datasets::LoaderOptions().batch_size(32).workers(0));
  datasets::DataLoader valid(split->valid,
                             datasets::LoaderOptions().batch_size(64).shuffle(false).workers(0));
  auto built = MakeScaffoldExampleNet(Json::parse(kSpace));
  TrainerOptions o;
  o.epochs = 2;
  o.progress = false;
  o.output_dir = dir;
  if (interrupted) {
    TrainerOptions first = o;
    first.max_steps = train.batches_per_epoch();
    ScaffoldExampleTrainer trainer(first, {}, *built, &train, &valid);
    absl::Status status = trainer.fit();
    EXPECT_TRUE(status.ok()) << status.message();
    built = MakeScaffoldExampleNet(Json::parse(kSpace));
    o.resume = true;
  }
  ScaffoldExampleTrainer trainer(o, {}, *built, &train, &valid);
  absl::Status status = trainer.fit();
  EXPECT_TRUE(status.ok()) << status.message();
  Outcome run;
  for (const auto& p : built->model->parameters()) run.weights.push_back(p.detach().clone());
  std::istringstream lines(*ReadFile(JoinPath(dir, "metrics.jsonl")));
  std::string line;
  while (std::getline(lines, line)) {
    Json j = Json::parse(line);
    if (j["split"] == "train") run.train_loss.push_back(j["loss"].get<double>());
  }
  // The export, applied to a fresh model with the supernet's weights, runs.
  auto child = MakeScaffoldExampleNet(Json::parse(kSpace));
  EXPECT_TRUE(ApplyFixedArchitecture(*child->model, trainer.mutator().export_architecture()).ok());
  EXPECT_TRUE(InheritWeights(*child->model, *built->model).ok());
  child->model->eval();
  EXPECT_EQ(child->forward(torch::zeros({2, 1, 28, 28})).sizes(), (std::vector<int64_t>{2, 10}));
  return run;
}

TEST(ScaffoldExampleTrainerTest, LearnsAndResumesExactly) {
  std::string tmp = std::getenv("TEST_TMPDIR");
  Outcome whole = Train(JoinPath(tmp, "whole"), false);
  ASSERT_GE(whole.train_loss.size(), 2u);
  EXPECT_LT(whole.train_loss.back(), whole.train_loss.front());
  Outcome resumed = Train(JoinPath(tmp, "resumed"), true);
  ASSERT_EQ(whole.weights.size(), resumed.weights.size());
  for (size_t i = 0; i < whole.weights.size(); ++i) {
    EXPECT_TRUE(torch::equal(whole.weights[i], resumed.weights[i])) << "parameter " << i;
  }
}

TEST(ScaffoldExampleTrainerTest, OptionsAreStrict) {
  ScaffoldExampleTrainerOptions o;
  o.lr = 0.1;
  ScaffoldExampleTrainerOptions back;
  ASSERT_TRUE(
      ScaffoldExampleTrainerOptionsFromJson(ScaffoldExampleTrainerOptionsToJson(o), "o", &back)
          .ok());
  EXPECT_EQ(ScaffoldExampleTrainerOptionsToJson(back), ScaffoldExampleTrainerOptionsToJson(o));
  EXPECT_THAT(std::string(ScaffoldExampleTrainerOptionsFromJson(
                              Json::parse(R"({"learning_rate": 1})"), "config.optimizer", &back)
                              .message()),
              HasSubstr("unknown member config.optimizer.learning_rate"));
  EXPECT_THAT(std::string(ScaffoldExampleTrainerOptionsFromJson(Json::parse(R"({"lr": 0})"),
                                                                "config.optimizer", &back)
                              .message()),
              HasSubstr("lr must be > 0"));
}

}  // namespace
}  // namespace nas::scaffold_example
