// DartsTrainer and the architecture gradient: the second-order gradient
// against finite differences of L_val(w'(alpha), alpha), training on
// synthetic data, validation metrics, exact resume, bad options.
#include "algorithms/darts/darts_trainer.h"

#include <algorithm>
#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>
#include <torch/nn/functional/loss.h>
#include <torch/utils.h>

#include "algorithms/darts/architecture_gradient.h"
#include "datasets/loader.h"
#include "datasets/split.h"
#include "datasets/synthetic.h"
#include "nas/analysis/latency_table.h"
#include "nas/base/file.h"
#include "nas/core/mutable_tree.h"
#include "nas/testing/status_matchers.h"

namespace nas::darts {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

// ---------------------------------------------------------------------------
// The architecture gradient on a tiny network in double precision.

struct TinyProblem {
  DartsNetwork net{nullptr};
  std::unique_ptr<DartsMutator> mutator;
  Batch train, valid;
  VirtualStep step;
  std::vector<at::Tensor> weights;
};

TinyProblem MakeTinyProblem() {
  torch::manual_seed(0);
  DartsNetworkOptions o = *DartsNetworkPreset("search_fashion_mnist");
  o.image_size = 8;
  o.channels = 2;
  o.layers = 1;  // one (reduction) cell
  o.nodes = 1;
  o.classes = 3;
  o.stem_multiplier = 1;
  TinyProblem p;
  p.net = DartsNetwork(o);
  p.net->to(torch::kDouble);
  p.mutator = std::make_unique<DartsMutator>(p.net, /*seed=*/1, /*init_scale=*/0.5);
  for (const at::Tensor& alpha : p.mutator->parameters())
    alpha.set_data(alpha.detach().to(torch::kDouble));
  p.train.data = torch::randn({6, 1, 8, 8}, torch::kDouble);
  p.train.target = torch::tensor({0, 1, 2, 0, 1, 2});
  p.valid.data = torch::randn({6, 1, 8, 8}, torch::kDouble);
  p.valid.target = torch::tensor({2, 1, 0, 1, 0, 2});
  p.weights = p.net->parameters();
  // A large step so the second-order term matters; momentum and weight decay
  // both enter the virtual step.
  p.step.lr = 0.5;
  p.step.momentum = 0.9;
  p.step.weight_decay = 0.05;
  // The paper's 0.01 / ||v|| moves the weights of this 2-channel network
  // across ReLU and max-pool kinks (its Hessian-vector product is then off
  // by a factor of 3 against double backward); 1e-4 stays in the smooth
  // region, where the difference quotient is exact to ~1e-9.
  p.step.hessian_eps = 1e-4;
  for (const at::Tensor& w : p.weights)
    p.step.momentum_buffers.push_back(0.1 * torch::randn_like(w));
  return p;
}

at::Tensor Loss(DartsNetwork& net, const Batch& b) {
  return torch::nn::functional::cross_entropy(net->forward(b.data), b.target);
}

// L_val(w'(alpha), alpha), computed directly (no Hessian approximation).
double UnrolledValidationLoss(TinyProblem& p) {
  std::vector<at::Tensor> original;
  for (const at::Tensor& w : p.weights) original.push_back(w.detach().clone());
  p.mutator->set_detach_weights(true);
  p.mutator->reset();
  std::vector<at::Tensor> g =
      torch::autograd::grad({Loss(p.net, p.train)}, p.weights, {}, false, false, true);
  {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < p.weights.size(); ++i) {
      at::Tensor gi = g[i].defined() ? g[i] : torch::zeros_like(p.weights[i]);
      p.weights[i].sub_(p.step.lr * (p.step.momentum * p.step.momentum_buffers[i] + gi +
                                     p.step.weight_decay * original[i]));
    }
  }
  p.mutator->reset();
  double value;
  {
    torch::NoGradGuard no_grad;
    value = Loss(p.net, p.valid).item<double>();
    for (size_t i = 0; i < p.weights.size(); ++i) p.weights[i].copy_(original[i]);
  }
  p.mutator->set_detach_weights(false);
  return value;
}

std::vector<double> Flatten(const std::vector<at::Tensor>& tensors) {
  std::vector<double> out;
  for (const at::Tensor& t : tensors) {
    at::Tensor c = t.to(torch::kDouble).contiguous();
    out.insert(out.end(), c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
  }
  return out;
}

double RelativeError(const std::vector<double>& a, const std::vector<double>& b) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff += (a[i] - b[i]) * (a[i] - b[i]);
    norm += b[i] * b[i];
  }
  return std::sqrt(diff / norm);
}

TEST(ArchitectureGradientTest, SecondOrderMatchesFiniteDifferencesAndFirstOrderDoesNot) {
  TinyProblem p = MakeTinyProblem();
  BatchLoss loss = [&](const Batch& b) { return Loss(p.net, b); };
  // Weights and BN statistics before: the gradient must leave them as found.
  std::vector<at::Tensor> before;
  for (const at::Tensor& w : p.weights) before.push_back(w.detach().clone());

  std::vector<double> second = Flatten(
      SecondOrderArchitectureGradient(*p.mutator, p.weights, loss, p.train, p.valid, p.step));
  for (size_t i = 0; i < p.weights.size(); ++i)
    EXPECT_TRUE(torch::equal(p.weights[i], before[i])) << i;
  std::vector<double> first = Flatten(FirstOrderArchitectureGradient(*p.mutator, loss, p.valid));

  // Central differences of L_val(w'(alpha), alpha) in every alpha coordinate.
  std::vector<double> numeric;
  const double h = 1e-5;
  for (const at::Tensor& alpha : p.mutator->parameters()) {
    for (int64_t k = 0; k < alpha.numel(); ++k) {
      const double x = alpha[k].item<double>();
      auto set = [&](double value) {
        torch::NoGradGuard no_grad;
        alpha[k] = value;
      };
      set(x + h);
      const double up = UnrolledValidationLoss(p);
      set(x - h);
      const double down = UnrolledValidationLoss(p);
      set(x);
      numeric.push_back((up - down) / (2 * h));
    }
  }
  ASSERT_EQ(numeric.size(), second.size());
  ASSERT_EQ(numeric.size(), 2u * 8u);
  const double second_error = RelativeError(second, numeric);
  const double first_error = RelativeError(first, numeric);
  RecordProperty("second_order_relative_error", std::to_string(second_error));
  RecordProperty("first_order_relative_error", std::to_string(first_error));
  std::printf("relative error vs finite differences: second order %.2e, first order %.2e\n",
              second_error, first_error);
  EXPECT_LT(second_error, 1e-5);
  EXPECT_GT(first_error, 0.1);
}

TEST(ArchitectureGradientTest, ZeroLearningRateIsFirstOrder) {
  TinyProblem p = MakeTinyProblem();
  BatchLoss loss = [&](const Batch& b) { return Loss(p.net, b); };
  p.step.lr = 0;
  std::vector<double> second = Flatten(
      SecondOrderArchitectureGradient(*p.mutator, p.weights, loss, p.train, p.valid, p.step));
  std::vector<double> first = Flatten(FirstOrderArchitectureGradient(*p.mutator, loss, p.valid));
  EXPECT_LT(RelativeError(second, first), 1e-12);
}

// ---------------------------------------------------------------------------
// The trainer on synthetic data.

struct Data {
  std::unique_ptr<datasets::DataLoader> train, arch, valid;
};

Data MakeData() {
  datasets::DatasetOptions options;
  options.synthetic_size = 96;
  datasets::ImageDataset all = *datasets::MakeSynthetic(options);
  datasets::TrainValid halves = *datasets::SplitTrainValid(all, 0.5, /*seed=*/0);
  Data d;
  auto loader = [](const datasets::ImageDataset& data, bool shuffle) {
    return std::make_unique<datasets::DataLoader>(
        data, datasets::LoaderOptions().batch_size(16).shuffle(shuffle).workers(0).drop_last(true));
  };
  d.train = loader(halves.train, true);
  d.arch = loader(halves.valid, true);
  d.valid = loader(halves.valid, false);
  return d;
}

DartsNetwork TinyNet() {
  torch::manual_seed(0);
  DartsNetworkOptions o = *DartsNetworkPreset("search_fashion_mnist");
  o.channels = 4;
  o.layers = 3;
  o.nodes = 2;
  return DartsNetwork(o);
}

TrainerOptions Options(const std::string& dir, int64_t epochs) {
  TrainerOptions t;
  t.epochs = epochs;
  t.progress = false;
  t.output_dir = dir;
  t.checkpoint_every = 1;
  return t;
}

std::string Dir(const std::string& name) { return JoinPath(::testing::TempDir(), name); }

TEST(DartsTrainerTest, SearchUpdatesAlphasAndReportsBothValidations) {
  for (bool unrolled : {false, true}) {
    SCOPED_TRACE(unrolled ? "second order" : "first order");
    Data d = MakeData();
    DartsNetwork net = TinyNet();
    DartsTrainerOptions o;
    o.unrolled = unrolled;
    o.alpha_lr = 0.01;
    o.discrete_bn_batches = 2;
    const std::string dir = Dir(unrolled ? "second" : "first");
    DartsTrainer trainer(Options(dir, 2), o, net, d.train.get(), d.arch.get(), d.valid.get());
    std::vector<at::Tensor> initial;
    for (const at::Tensor& a : trainer.mutator().parameters())
      initial.push_back(a.detach().clone());
    absl::Status status = trainer.fit();
    ASSERT_TRUE(status.ok()) << status.message();
    EXPECT_EQ(trainer.global_step(), 6);
    double moved = 0;
    for (size_t i = 0; i < initial.size(); ++i) {
      moved += (trainer.mutator().parameters()[i] - initial[i]).abs().sum().item<double>();
    }
    EXPECT_GT(moved, 0);
    const Metrics& v = trainer.last_validation();
    for (const char* key : {"supernet_accuracy", "discrete_accuracy", "param_free_share",
                            "param_free_share_normal"}) {
      EXPECT_EQ(v.count(key), 1u) << key;
    }
    EXPECT_GE(v.at("discrete_accuracy"), 0);
    // One genotype per epoch.
    std::string genotypes = *ReadFile(JoinPath(dir, "genotypes.jsonl"));
    EXPECT_EQ(std::count(genotypes.begin(), genotypes.end(), '\n'), 2);
    EXPECT_THAT(genotypes, HasSubstr("Genotype(normal=[("));
  }
}

TEST(DartsTrainerTest, ResumeAfterInterruptionEqualsUninterrupted) {
  for (bool unrolled : {false, true}) {
    SCOPED_TRACE(unrolled ? "second order" : "first order");
    DartsTrainerOptions o;
    o.unrolled = unrolled;
    o.discrete_bn_batches = 1;
    const std::string tag = unrolled ? "_2" : "_1";
    Data d1 = MakeData();
    DartsNetwork reference = TinyNet();
    DartsTrainer whole(Options(Dir("whole" + tag), 2), o, reference, d1.train.get(), d1.arch.get(),
                       d1.valid.get());
    ASSERT_TRUE(whole.fit().ok());

    Data d2 = MakeData();
    TrainerOptions cut = Options(Dir("cut" + tag), 2);
    cut.max_steps = 4;  // mid-epoch 1
    {
      DartsTrainer first(cut, o, TinyNet(), d2.train.get(), d2.arch.get(), d2.valid.get());
      ASSERT_TRUE(first.fit().ok());
    }
    cut.max_steps = 0;
    cut.resume = true;
    torch::manual_seed(99);
    DartsNetwork resumed = TinyNet();
    DartsTrainerOptions other_seed = o;
    other_seed.seed = 7;  // alphas come from the checkpoint, not the seed
    DartsTrainer second(cut, other_seed, resumed, d2.train.get(), d2.arch.get(), d2.valid.get());
    absl::Status status = second.fit();
    ASSERT_TRUE(status.ok()) << status.message();
    EXPECT_EQ(second.global_step(), 6);
    for (size_t i = 0; i < whole.mutator().parameters().size(); ++i) {
      EXPECT_TRUE(torch::equal(whole.mutator().parameters()[i], second.mutator().parameters()[i]))
          << "alpha " << i;
    }
    auto a = reference->parameters(), b = resumed->parameters();
    for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << "weight " << i;
  }
}

// After every step: the alphas, the weights and the watched share.
struct StepRecorder : Callback {
  std::vector<std::vector<at::Tensor>> alphas, weights;
  std::vector<double> shares;
  void on_batch_end(Trainer& trainer, const Batch&, const Metrics&) override {
    auto& darts = static_cast<DartsTrainer&>(trainer);
    std::vector<at::Tensor> a, w;
    for (const at::Tensor& t : darts.mutator().parameters()) a.push_back(t.detach().clone());
    for (const at::Tensor& t : darts.space().model->parameters()) w.push_back(t.detach().clone());
    alphas.push_back(a);
    weights.push_back(w);
    shares.push_back(darts.watched_parameter_free_share());
  }
};

bool Equal(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (!torch::equal(a[i], b[i])) return false;
  }
  return a.size() == b.size();
}

std::vector<at::Tensor> Clones(const std::vector<at::Tensor>& tensors) {
  std::vector<at::Tensor> out;
  for (const at::Tensor& t : tensors) out.push_back(t.detach().clone());
  return out;
}

TEST(DartsTrainerTest, AWarmUpTrainsTheWeightsWithTheAlphasFrozen) {
  Data d = MakeData();
  DartsTrainerOptions o;
  o.alpha_lr = 0.01;
  o.warmup_epochs = 1.5;  // 4.5 steps of 3-step epochs: steps 1-5 (global steps 0-4 < 4.5)
  o.discrete_bn_batches = 0;
  DartsNetwork net = TinyNet();
  DartsTrainer trainer(Options(Dir("warmup"), 2), o, net, d.train.get(), d.arch.get(),
                       d.valid.get());
  const std::vector<at::Tensor> initial = Clones(trainer.mutator().parameters());
  const std::vector<at::Tensor> initial_weights = Clones(net->parameters());
  auto recorder = std::make_shared<StepRecorder>();
  trainer.add_callback(recorder);
  ASSERT_TRUE(trainer.fit().ok());
  ASSERT_EQ(recorder->alphas.size(), 6u);
  for (int step = 0; step < 5; ++step) {
    EXPECT_TRUE(Equal(recorder->alphas[step], initial)) << "step " << step + 1;
    EXPECT_FALSE(
        Equal(recorder->weights[step], step == 0 ? initial_weights : recorder->weights[step - 1]))
        << "weights frozen at step " << step + 1;
  }
  EXPECT_FALSE(Equal(recorder->alphas[5], initial));
}

TEST(DartsTrainerTest, EarlyStopEndsAtTheCrossingWithTheArchitectureBeforeIt) {
  DartsTrainerOptions o;
  o.alpha_lr = 0.05;
  o.discrete_bn_batches = 0;
  // The free run: the watched share after every step.
  Data d1 = MakeData();
  DartsNetwork free_net = TinyNet();
  DartsTrainer free_run(Options(Dir("early_free"), 2), o, free_net, d1.train.get(), d1.arch.get(),
                        d1.valid.get());
  auto recorder = std::make_shared<StepRecorder>();
  free_run.add_callback(recorder);
  ASSERT_TRUE(free_run.fit().ok());
  const double highest = *std::max_element(recorder->shares.begin(), recorder->shares.end());
  ASSERT_GT(highest, 0);
  const int64_t crossing = std::find_if(recorder->shares.begin(), recorder->shares.end(),
                                        [&](double s) { return s >= highest; }) -
                           recorder->shares.begin() +
                           1;  // the step (1-based) whose alpha update crossed

  // The same run with the rule: it ends at that step, undoing its update.
  Data d2 = MakeData();
  o.early_stop_share = highest;
  DartsNetwork net = TinyNet();
  const std::string dir = Dir("early_stop");
  DartsTrainer stopped(Options(dir, 2), o, net, d2.train.get(), d2.arch.get(), d2.valid.get());
  const std::vector<at::Tensor> initial_alphas = Clones(stopped.mutator().parameters());
  const std::vector<at::Tensor> initial_weights = Clones(net->parameters());
  ASSERT_TRUE(stopped.fit().ok());
  EXPECT_EQ(stopped.stopped_at_step(), crossing);
  EXPECT_EQ(stopped.global_step(), crossing);
  const std::vector<at::Tensor>& alphas_before =
      crossing == 1 ? initial_alphas : recorder->alphas[crossing - 2];
  const std::vector<at::Tensor>& weights_before =
      crossing == 1 ? initial_weights : recorder->weights[crossing - 2];
  EXPECT_TRUE(Equal(Clones(stopped.mutator().parameters()), alphas_before));
  EXPECT_TRUE(Equal(Clones(net->parameters()), weights_before));
  EXPECT_LT(stopped.watched_parameter_free_share(), highest);

  // --resume keeps the decision: nothing more trains.
  Data d3 = MakeData();
  TrainerOptions resume = Options(dir, 2);
  resume.resume = true;
  DartsNetwork resumed_net = TinyNet();
  DartsTrainer resumed(resume, o, resumed_net, d3.train.get(), d3.arch.get(), d3.valid.get());
  ASSERT_TRUE(resumed.fit().ok());
  EXPECT_EQ(resumed.global_step(), crossing);
  EXPECT_EQ(resumed.stopped_at_step(), crossing);
  EXPECT_TRUE(Equal(Clones(resumed_net->parameters()), weights_before));
}

// A table of the network's own choices: candidate i of every layer choice
// costs i + 1 ms.
std::shared_ptr<LatencyTable> IndexTable(DartsNetwork net) {
  auto table = std::make_shared<LatencyTable>();
  SearchSpace space = *SearchSpaceOf(*net);
  for (const ChoiceSpec& spec : space.choices()) {
    if (spec.kind != MutableKind::kLayerChoice) continue;
    table->names[spec.key] = spec.candidates;
    for (int64_t i = 0; i < spec.size(); ++i) table->candidates[spec.key].push_back(i + 1.0);
  }
  table->rest_ms = 3;
  return table;
}

Batch RandomBatch() {
  torch::manual_seed(5);
  Batch b;
  b.data = torch::randn({8, 1, 28, 28});
  b.target = torch::randint(0, 10, {8});
  return b;
}

// Over the budget, the architecture gradient gains weight / budget times
// the gradient of the expected latency; under it, nothing.
TEST(DartsTrainerTest, ALatencyBudgetAddsItsPenaltysGradientOnlyWhenExceeded) {
  Data d = MakeData();
  const Batch b = RandomBatch();
  auto gradient = [&](double budget, at::Tensor* expected, std::vector<at::Tensor>* expected_grad) {
    DartsNetwork net = TinyNet();
    DartsTrainerOptions o;
    o.latency.budget_ms = budget;
    o.latency.weight = 2;
    DartsTrainer trainer(Options("", 1), o, net, d.train.get(), d.arch.get(), nullptr);
    trainer.set_latency_table(IndexTable(net));
    if (expected != nullptr) {
      *expected = trainer.expected_latency();
      *expected_grad = torch::autograd::grad({*expected}, trainer.mutator().parameters());
    }
    return trainer.architecture_gradient(b, b);
  };
  at::Tensor e;
  std::vector<at::Tensor> de;
  const std::vector<at::Tensor> plain = gradient(0, &e, &de);
  const std::vector<at::Tensor> loose = gradient(1e9, nullptr, nullptr);
  const double budget = e.item<double>() / 2;  // binds: the expectation is twice it
  const std::vector<at::Tensor> tight = gradient(budget, nullptr, nullptr);
  ASSERT_EQ(plain.size(), tight.size());
  double largest = 0;
  for (size_t i = 0; i < plain.size(); ++i) {
    EXPECT_TRUE(torch::allclose(loose[i], plain[i], 0, 1e-7)) << "alpha " << i;
    EXPECT_TRUE(torch::allclose(tight[i] - plain[i], 2.0 / budget * de[i], 1e-4, 1e-7))
        << "alpha " << i;
    largest = std::max(largest, de[i].abs().max().item<double>());
  }
  EXPECT_GT(largest, 0) << "the expectation depends on the alphas";
}

TEST(DartsTrainerTest, ALatencyBudgetReportsTheExportedArchitecturesLatency) {
  Data d = MakeData();
  DartsNetwork net = TinyNet();
  DartsTrainerOptions o;
  o.latency.budget_ms = 10;
  o.discrete_bn_batches = 1;
  DartsTrainer trainer(Options(Dir("latency"), 1), o, net, d.train.get(), d.arch.get(),
                       d.valid.get());
  trainer.set_latency_table(IndexTable(net));
  ASSERT_OK(trainer.fit());
  const Metrics& v = trainer.last_validation();
  ASSERT_EQ(v.count("latency_ms"), 1u);
  ASSERT_EQ(v.count("expected_latency_ms"), 1u);
  EXPECT_GE(v.at("latency_ms"), 3);
  // Without a table a budget is an error, not a silent unconstrained search.
  DartsNetwork other = TinyNet();
  DartsTrainer untabled(Options(Dir("untabled"), 1), o, other, d.train.get(), d.arch.get(),
                        nullptr);
  EXPECT_THAT(untabled.fit(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no latency table")));
}

TEST(DartsTrainerTest, BadOptionsNameTheMember) {
  auto error = [](const Json& j, const std::string& path) {
    DartsTrainerOptions o;
    return std::string(DartsTrainerOptionsFromJson(j, path, &o).message());
  };
  EXPECT_THAT(error(Json{{"alpha_betas", {0.5}}}, "$.search"),
              HasSubstr("$.search.alpha_betas must be two numbers in [0, 1)"));
  EXPECT_THAT(error(Json{{"w_lr", 0}}, "$"), HasSubstr("w_lr and alpha_lr"));
  EXPECT_THAT(error(Json{{"collapse_threshold", 2}}, "$"),
              HasSubstr("collapse_threshold must be in (0, 1]"));
  EXPECT_THAT(error(Json{{"second_order", true}}, "$"), HasSubstr("second_order"));
  EXPECT_THAT(error(Json{{"latency_budget_ms", -1}}, "$"),
              HasSubstr("latency_budget_ms and latency_weight must be finite numbers >= 0"));
  EXPECT_THAT(error(Json{{"latency_batch", 0}}, "$"),
              HasSubstr("latency_batch must be in [1, 4096]"));
  EXPECT_THAT(error(Json{{"warmup_epochs", -1}}, "$"), HasSubstr("$.warmup_epochs must be >= 0"));
  EXPECT_THAT(error(Json{{"early_stop_share", 1.5}}, "$"),
              HasSubstr("$.early_stop_share must be in [0, 1] (0 = never)"));
  DartsTrainerOptions round;
  round.warmup_epochs = 0.25;
  round.early_stop_share = 0.5;
  round.unrolled = true;
  round.alpha_betas = {0.4, 0.9};
  DartsTrainerOptions back;
  ASSERT_TRUE(DartsTrainerOptionsFromJson(DartsTrainerOptionsToJson(round), "$", &back).ok());
  EXPECT_EQ(DartsTrainerOptionsToJson(back), DartsTrainerOptionsToJson(round));
}

}  // namespace
}  // namespace nas::darts
