#include "algorithms/my_algo/my_algo_trainer.h"

#include <cstdlib>

#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/utils.h>

#include "datasets/loader.h"
#include "datasets/split.h"
#include "datasets/synthetic.h"
#include "nas/base/file.h"
#include "nas/core/fixed_architecture.h"

namespace nas::my_algo {
namespace {

TEST(MyAlgoTrainerTest, TrainsAndExports) {
  torch::manual_seed(0);
  datasets::DatasetOptions data_options;
  data_options.synthetic_size = 256;
  auto data = datasets::MakeSynthetic(data_options);
  auto split = datasets::SplitTrainValid(*data, 0.75, /*seed=*/0);
  datasets::DataLoader train(split->train, datasets::LoaderOptions().batch_size(32));
  datasets::DataLoader valid(split->valid, datasets::LoaderOptions().batch_size(64).shuffle(false));

  auto factory = SpaceRegistry().Lookup("my_algo_net");  // registered by my_algo_space.cc
  ASSERT_TRUE(factory.ok()) << factory.status().message();
  auto built = (*factory)(Json::object());
  ASSERT_TRUE(built.ok()) << built.status().message();

  TrainerOptions options;
  options.epochs = 2;
  options.output_dir = JoinPath(std::getenv("TEST_TMPDIR"), "my_algo");
  MyAlgoTrainer trainer(options, *built, &train, &valid);
  absl::Status status = trainer.fit();
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_GT(trainer.last_validation().at("accuracy"), 0.1);  // 10 classes

  // The exported architecture turns a fresh model into a plain one.
  Architecture arch = trainer.mutator().export_architecture();
  auto child = (*factory)(Json::object());
  ASSERT_TRUE(ApplyFixedArchitecture(*child->model, arch).ok());
  ASSERT_TRUE(InheritWeights(*child->model, *built->model).ok());
  EXPECT_EQ(child->forward(torch::zeros({2, 1, 28, 28})).sizes(), (std::vector<int64_t>{2, 10}));
}

}  // namespace
}  // namespace nas::my_algo
