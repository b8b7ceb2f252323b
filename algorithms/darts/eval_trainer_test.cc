// EvalTrainer: DARTS's recipe on ClassifierTrainer: the auxiliary head's
// loss is added and logged, drop-path ramps over the epochs, validation
// scores the fixed network.
#include "algorithms/darts/eval_trainer.h"

#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "datasets/loader.h"
#include "datasets/synthetic.h"
#include "nas/core/architecture.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/search_space.h"

namespace nas::darts {
namespace {

// sep_conv_3x3 from the two most recent states on every node.
Architecture ChainArchitecture(const SearchSpace& space, int64_t nodes) {
  Decisions d;
  for (const ChoiceSpec& spec : space.choices()) d[spec.key] = at::zeros({spec.size()}, at::kBool);
  for (const std::string type : {kNormal, kReduce}) {
    for (int64_t node = 2; node < 2 + nodes; ++node) {
      at::Tensor& sw = d[SwitchKey(type, node)];
      for (int64_t j : {node - 1, node - 2}) {
        sw[j] = true;
        const ChoiceSpec* spec = space.find(EdgeKey(type, node, j));
        auto it = std::find(spec->candidates.begin(), spec->candidates.end(), "sep_conv_3x3");
        d[spec->key][it - spec->candidates.begin()] = true;
      }
    }
  }
  return Architecture::from_decisions(d, space);
}

DartsNetwork FixedEvalNet() {
  torch::manual_seed(0);
  DartsNetworkOptions o = *DartsNetworkPreset("eval_fashion_mnist");
  o.channels = 4;
  o.layers = 3;
  o.nodes = 2;
  DartsNetwork net(o);
  EXPECT_TRUE(net->options().auxiliary);
  apply_fixed_architecture(net, ChainArchitecture(*SearchSpaceOf(*net), o.nodes));
  return net;
}

// What every step saw: its epoch, the drop-path probability, its metrics.
struct StepRecord {
  int64_t epoch;
  double drop_path_prob;
  Metrics metrics;
};

class Recorder : public Callback {
 public:
  explicit Recorder(DartsNetwork net) : net_(std::move(net)) {}
  void on_batch_end(Trainer&, const Batch& batch, const Metrics& metrics) override {
    steps.push_back({batch.epoch, net_->drop_path_prob(), metrics});
  }
  std::vector<StepRecord> steps;

 private:
  DartsNetwork net_;
};

struct TrainingRun {
  std::vector<StepRecord> steps;
  Metrics validation;
};

TrainingRun Train(const EvalTrainerOptions& options) {
  datasets::DatasetOptions data_options;
  data_options.synthetic_size = 64;
  datasets::ImageDataset data = *datasets::MakeSynthetic(data_options);
  datasets::DataLoader train(data,
                             datasets::LoaderOptions().batch_size(16).workers(0).drop_last(true));
  datasets::DataLoader valid(data,
                             datasets::LoaderOptions().batch_size(32).shuffle(false).workers(0));
  DartsNetwork net = FixedEvalNet();
  TrainerOptions t;
  t.epochs = 2;
  t.progress = false;
  t.log_every = 100;
  EvalTrainer trainer(t, options, net, &train, &valid);
  auto recorder = std::make_shared<Recorder>(net);
  trainer.add_callback(recorder);
  absl::Status status = trainer.fit();
  EXPECT_TRUE(status.ok()) << status;
  return {recorder->steps, trainer.last_validation()};
}

TEST(EvalTrainerTest, AuxiliaryLossAndDropPathRamp) {
  EvalTrainerOptions options;
  options.drop_path_prob = 0.4;
  options.auxiliary_weight = 0.4;
  TrainingRun run = Train(options);
  ASSERT_EQ(run.steps.size(), 8u);  // 2 epochs x 4 batches
  for (const StepRecord& step : run.steps) {
    // 0 in the first epoch, drop_path_prob * 1 / 2 in the second.
    EXPECT_DOUBLE_EQ(step.drop_path_prob, step.epoch == 0 ? 0.0 : 0.2) << "epoch " << step.epoch;
    ASSERT_TRUE(step.metrics.count("aux_loss")) << "epoch " << step.epoch;
    EXPECT_GT(step.metrics.at("aux_loss"), 0);
    // "loss" is the sum: cross-entropy + 0.4 x the auxiliary loss.
    EXPECT_GT(step.metrics.at("loss"), 0.4 * step.metrics.at("aux_loss"));
    EXPECT_TRUE(step.metrics.count("accuracy"));
  }
  ASSERT_TRUE(run.validation.count("accuracy"));
  EXPECT_GE(run.validation.at("accuracy"), 0);
  EXPECT_LE(run.validation.at("accuracy"), 1);
  EXPECT_TRUE(run.validation.count("loss"));
}

TEST(EvalTrainerTest, WithoutAuxiliaryWeightOrDropPath) {
  EvalTrainerOptions options;
  options.drop_path_prob = 0;
  options.auxiliary_weight = 0;
  TrainingRun run = Train(options);
  ASSERT_FALSE(run.steps.empty());
  for (const StepRecord& step : run.steps) {
    EXPECT_EQ(step.drop_path_prob, 0);
    EXPECT_FALSE(step.metrics.count("aux_loss"));
  }
}

TEST(EvalTrainerTest, ClassifierOptionsAreTheRecipe) {
  EvalTrainerOptions options;
  options.lr = 0.1;
  options.momentum = 0.8;
  options.weight_decay = 1e-3;
  options.grad_clip = 3;
  ClassifierTrainerOptions c = options.classifier();
  EXPECT_EQ(c.lr, 0.1);
  EXPECT_EQ(c.min_lr, 0);
  EXPECT_EQ(c.schedule, "cosine");
  EXPECT_EQ(c.momentum, 0.8);
  EXPECT_FALSE(c.nesterov);
  EXPECT_EQ(c.weight_decay, 1e-3);
  EXPECT_FALSE(c.decay_conv_only);
  EXPECT_EQ(c.grad_clip, 3);
  EXPECT_EQ(c.label_smoothing, 0);
}

}  // namespace
}  // namespace nas::darts
