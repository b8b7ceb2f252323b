// RandomTrainer on the synthetic dataset: it learns, its callbacks write the
// architecture and weights each epoch, and its export reloads.
#include "algorithms/random/random_trainer.h"

#include <cstdlib>
#include <sstream>

#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/utils.h>

#include "algorithms/random/small_cnn_space.h"
#include "datasets/loader.h"
#include "datasets/split.h"
#include "datasets/synthetic.h"
#include "nas/base/file.h"
#include "nas/core/fixed_architecture.h"
#include "nas/train/callbacks.h"

namespace nas::random {
namespace {

TEST(RandomTrainerTest, LearnsAndCheckpointsEachEpoch) {
  torch::manual_seed(0);
  datasets::DatasetOptions data_options;
  data_options.synthetic_size = 768;
  auto data = datasets::MakeSynthetic(data_options);
  ASSERT_TRUE(data.ok());
  auto split = datasets::SplitTrainValid(*data, 0.75, 0);
  ASSERT_TRUE(split.ok());
  datasets::DataLoader train(split->train, datasets::LoaderOptions().batch_size(32).workers(1));
  datasets::DataLoader valid(split->valid,
                             datasets::LoaderOptions().batch_size(64).shuffle(false).workers(0));
  auto built = MakeSmallCnn(Json::parse(R"({"channels": 8, "layers": 2})"));
  ASSERT_TRUE(built.ok());
  std::string dir = JoinPath(std::getenv("TEST_TMPDIR"), "random_trainer");
  TrainerOptions o;
  o.epochs = 5;
  o.progress = false;
  o.output_dir = dir;
  RandomTrainerOptions ro;
  ro.lr = 0.1;
  RandomTrainer trainer(o, ro, *built, &train, &valid);
  trainer.add_callback(std::make_shared<ArchitectureCheckpoint>(&trainer.mutator(), dir));
  trainer.add_callback(std::make_shared<ModelCheckpoint>(dir));
  absl::Status status = trainer.fit();
  ASSERT_TRUE(status.ok()) << status.message();
  // Ten classes: chance is 0.1. Validation scores one random path per batch
  // of a supernet trained for 90 steps (some paths are nearly all identity),
  // so the bar is twice chance, and the training loss must have fallen.
  EXPECT_GT(trainer.last_validation().at("accuracy"), 0.2);
  std::istringstream lines(*ReadFile(JoinPath(dir, "metrics.jsonl")));
  std::string line;
  std::vector<double> train_loss;
  while (std::getline(lines, line)) {
    Json j = Json::parse(line);
    if (j["split"] == "train") train_loss.push_back(j["loss"].get<double>());
  }
  ASSERT_GE(train_loss.size(), 2u);
  EXPECT_LT(train_loss.back(), train_loss.front() * 0.9);
  for (const char* f : {"arch_epoch_000.json", "arch_epoch_002.json", "arch_latest.json",
                        "model_epoch_002.pt", "model_latest.pt", "metrics.jsonl"}) {
    EXPECT_TRUE(FileExists(JoinPath(dir, f))) << f;
  }
  // The exported architecture, applied to a fresh model with the supernet's
  // weights, runs as a plain model.
  auto child = MakeSmallCnn(Json::parse(R"({"channels": 8, "layers": 2})"));
  auto arch = ReadArchitecture(JoinPath(dir, "arch_latest.json"));
  ASSERT_TRUE(arch.ok());
  ASSERT_TRUE(ApplyFixedArchitecture(*child->model, *arch).ok());
  ASSERT_TRUE(
      LoadWeights(*child->model, JoinPath(dir, "model_latest.pt"), WeightLoad::kInheritFromSupernet)
          .ok());
  child->model->eval();
  EXPECT_EQ(child->forward(torch::zeros({2, 1, 28, 28})).sizes(), (std::vector<int64_t>{2, 10}));
}

}  // namespace
}  // namespace nas::random
