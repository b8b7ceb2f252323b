// SposTrainer through its public interface: a strict-fair step's update
// equals one SGD step on the sum of its paths' gradients, training runs on
// every sampling, and a run cut mid-epoch and resumed ends with the same
// weights as an uninterrupted one.
#include "algorithms/spos/spos_trainer.h"

#include <gtest/gtest.h>
#include <torch/autograd.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/module.h>
#include <torch/utils.h>

#include "datasets/loader.h"
#include "datasets/synthetic.h"
#include "nas/base/file.h"
#include "algorithms/spos/shufflenet_space.h"
#include "nas/core/space_registry.h"
#include "nas/testing/job_fixtures.h"

namespace nas::spos {
namespace {

BuiltSpace TestingCnn() {
  torch::manual_seed(0);
  return *(*SpaceRegistry().Lookup(testing::kTestingSpace))(Json{{"channels", 4}});
}

std::unique_ptr<datasets::DataLoader> Loader() {
  datasets::DatasetOptions options;
  options.synthetic_size = 64;
  static const datasets::ImageDataset data = *datasets::MakeSynthetic(options);
  return std::make_unique<datasets::DataLoader>(
      data, datasets::LoaderOptions().batch_size(16).shuffle(true).workers(0).drop_last(true));
}

TrainerOptions Options(const std::string& name, int64_t epochs) {
  TrainerOptions t;
  t.epochs = epochs;
  t.progress = false;
  t.output_dir = JoinPath(::testing::TempDir(), name);
  t.checkpoint_every = 1;
  return t;
}

SposTrainerOptions StrictFair() {
  SposTrainerOptions o;
  o.lr = 0.1;
  o.momentum = 0;
  o.weight_decay = 0;
  o.label_smoothing = 0;
  o.sampling.sampling = "strict_fair";
  o.seed = 5;
  return o;
}

TEST(SposTrainerTest, StrictFairStepIsOneUpdateOnTheSummedPathGradients) {
  SposTrainerOptions o = StrictFair();
  BuiltSpace trained = TestingCnn();
  BuiltSpace reference = TestingCnn();
  std::unique_ptr<datasets::DataLoader> loader = Loader();
  TrainerOptions t = Options("strict_fair_step", 1);
  t.max_steps = 1;
  SposTrainer trainer(t, o, trained, loader.get(), nullptr);
  ASSERT_EQ(trainer.mutator().paths_per_step(), 3);  // testing_cnn: 3 candidates per layer choice
  ASSERT_TRUE(trainer.fit().ok());
  EXPECT_EQ(trainer.mutator().paths(), 3);

  // The same batch (the loader's first, same seed) through the same three
  // paths (a mutator with the same seed), gradients summed by autograd.
  std::unique_ptr<datasets::DataLoader> again = Loader();
  again->start_epoch(0);
  Batch batch = *again->next();
  SposMutator paths(reference.model, o.sampling, o.seed);
  std::vector<at::Tensor> per_path_sum;
  for (int i = 0; i < 3; ++i) {
    paths.reset();
    at::Tensor loss =
        torch::nn::functional::cross_entropy(reference.forward(batch.data), batch.target);
    loss.backward();
  }
  torch::NoGradGuard no_grad;
  auto a = trained.model->named_parameters();
  auto b = reference.model->named_parameters();
  int moved = 0;
  for (const auto& item : b) {
    at::Tensor expected = item.value().clone();
    if (item.value().grad().defined()) expected -= o.lr * item.value().grad();
    at::Tensor got = a[item.key()];
    EXPECT_TRUE(torch::allclose(got, expected, 1e-5, 1e-6)) << item.key();
    moved += !torch::equal(got, item.value());
  }
  EXPECT_GT(moved, 0);
  // Both layer choices' conv candidate was on one of the three paths.
  for (const char* key : {"op0", "op1"}) {
    int with_gradient = 0;
    for (const auto& item : b) {
      with_gradient += item.key().rfind(key, 0) == 0 && item.value().grad().defined();
    }
    EXPECT_GT(with_gradient, 0) << key;
  }
}

TEST(SposTrainerTest, TrainsWithEverySampling) {
  for (const char* sampling : {"uniform", "strict_fair"}) {
    SCOPED_TRACE(sampling);
    SposTrainerOptions o = StrictFair();
    o.sampling.sampling = sampling;
    BuiltSpace space = TestingCnn();
    std::unique_ptr<datasets::DataLoader> train = Loader(), valid = Loader();
    SposTrainer trainer(Options(std::string("every_") + sampling, 1), o, space, train.get(),
                        valid.get());
    ASSERT_TRUE(trainer.fit().ok());
    const int64_t steps = trainer.global_step();
    EXPECT_EQ(steps, 4);
    EXPECT_EQ(trainer.mutator().paths(), steps * trainer.mutator().paths_per_step());
    EXPECT_EQ(trainer.last_validation().count("accuracy"), 1u);
  }
}

TEST(SposTrainerTest, StrictFairResumeEqualsUninterrupted) {
  SposTrainerOptions o = StrictFair();
  o.momentum = 0.9;  // the optimizer state must come back too
  o.sampling.fixed = {{"op1", "maxpool3x3"}};
  BuiltSpace whole = TestingCnn();
  std::unique_ptr<datasets::DataLoader> train = Loader();
  SposTrainer uninterrupted(Options("fair_whole", 2), o, whole, train.get(), nullptr);
  ASSERT_TRUE(uninterrupted.fit().ok());

  // Interrupted mid-epoch 1 by a callback (max_steps would shorten the
  // learning-rate schedule, which spans the run).
  struct Interrupt : Callback {
    void on_batch_begin(Trainer& trainer, const Batch&) override {
      if (trainer.global_step() == 5) throw std::runtime_error("interrupted");
    }
  };
  TrainerOptions cut = Options("fair_cut", 2);
  BuiltSpace resumed = TestingCnn();
  {
    std::unique_ptr<datasets::DataLoader> first_train = Loader();
    SposTrainer first(cut, o, resumed, first_train.get(), nullptr);
    first.add_callback(std::make_shared<Interrupt>());
    ASSERT_FALSE(first.fit().ok());
  }
  cut.resume = true;
  SposTrainerOptions other_seed = o;
  other_seed.seed = 77;  // the path sequence comes from the checkpoint
  BuiltSpace fresh = TestingCnn();
  std::unique_ptr<datasets::DataLoader> second_train = Loader();
  SposTrainer second(cut, other_seed, fresh, second_train.get(), nullptr);
  absl::Status status = second.fit();
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(second.global_step(), 8);
  EXPECT_EQ(second.mutator().paths(), uninterrupted.mutator().paths());
  auto a = whole.model->named_parameters();
  auto b = fresh.model->named_parameters();
  for (const auto& item : a) EXPECT_TRUE(torch::equal(item.value(), b[item.key()])) << item.key();
}

// The ShuffleNet supernet, small: its channel shuffle, BN and global pool
// are the operations whose backward decides the memory format.
BuiltSpace SmallShuffleNet() {
  ShuffleNetSpaceOptions options = *ShuffleNetPreset("fashion_mnist");
  options.stage_repeats = {1, 2};
  options.stage_channels = {8, 16};
  options.last_channels = 32;
  options.stem_channels = 4;
  torch::manual_seed(3);
  return *(*SpaceRegistry().Lookup(kShuffleNetSpaceName))(ShuffleNetSpaceOptionsToJson(options));
}

// Channels-last trains the same network as contiguous (other kernels, so
// close, not equal), every gradient stays channels-last, and a run cut and
// resumed equals the uninterrupted one bit for bit in either format, also
// when it resumes in the other format.
TEST(SposTrainerTest, ChannelsLastTrainsLikeContiguousAndResumesExactly) {
  SposTrainerOptions o;
  o.lr = 0.05;
  o.seed = 2;
  // Four steps; `stop_at` > 0 interrupts the run before that step.
  struct Interrupt : Callback {
    explicit Interrupt(int64_t at) : at(at) {}
    void on_batch_begin(Trainer& trainer, const Batch&) override {
      if (trainer.global_step() == at) throw std::runtime_error("interrupted");
    }
    int64_t at;
  };
  auto run = [&](const std::string& name, const std::string& format, int64_t stop_at,
                 bool resume, BuiltSpace space) {
    TrainerOptions t = Options(name, 1);
    t.memory_format = format;
    t.resume = resume;
    std::unique_ptr<datasets::DataLoader> train = Loader();
    SposTrainer trainer(t, o, space, train.get(), nullptr);
    if (stop_at > 0) trainer.add_callback(std::make_shared<Interrupt>(stop_at));
    absl::Status status = trainer.fit();
    EXPECT_EQ(status.ok(), stop_at == 0) << status.message();
    if (stop_at == 0) {
      EXPECT_EQ(trainer.global_step(), 4);
    }
    return space;
  };
  BuiltSpace contiguous = run("fmt_contiguous", "contiguous", 0, false, SmallShuffleNet());
  BuiltSpace channels_last = run("fmt_channels_last", "channels_last", 0, false, SmallShuffleNet());
  auto c = contiguous.model->named_parameters();
  for (const auto& item : channels_last.model->named_parameters()) {
    EXPECT_TRUE(torch::allclose(item.value(), c[item.key()], 1e-4, 1e-5)) << item.key();
    if (item.value().dim() == 4) {
      EXPECT_TRUE(item.value().is_contiguous(at::MemoryFormat::ChannelsLast)) << item.key();
    }
  }
  for (const std::string resume_format : {"channels_last", "contiguous"}) {
    SCOPED_TRACE(resume_format);
    const std::string name = "fmt_cut_" + resume_format;
    run(name, "channels_last", /*stop_at=*/2, false, SmallShuffleNet());
    BuiltSpace resumed = run(name, resume_format, 0, /*resume=*/true, SmallShuffleNet());
    auto r = resumed.model->named_parameters();
    for (const auto& item : channels_last.model->named_parameters()) {
      if (resume_format == "channels_last") {
        EXPECT_TRUE(torch::equal(item.value(), r[item.key()])) << item.key();
      } else {
        EXPECT_TRUE(torch::allclose(item.value(), r[item.key()], 1e-4, 1e-5)) << item.key();
      }
    }
  }
}

}  // namespace
}  // namespace nas::spos
