// The trainer base through a minimal subclass: callbacks, schedules, logs,
// TensorBoard, checkpoints, exact resume, bad checkpoints, bf16.
#include "nas/train/trainer.h"

#include <dirent.h>

#include <cmath>
#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>

#include "nas/base/file.h"
#include "nas/base/torch/compat.h"
#include "nas/train/tensorboard.h"

namespace nas {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Deterministic data: batch (epoch, index) is a function of both.
class ToySource : public BatchSource {
 public:
  explicit ToySource(int64_t batches) : batches_(batches) {}
  int64_t batches_per_epoch() const override { return batches_; }
  void start_epoch(int64_t epoch, int64_t start) override {
    epoch_ = epoch;
    next_ = start;
  }
  std::optional<Batch> next() override {
    if (next_ >= batches_) return std::nullopt;
    torch::Generator gen = at::make_generator<at::CPUGeneratorImpl>(epoch_ * 1000 + next_);
    Batch b;
    b.data = torch::randn({8, 6}, gen);
    b.target = (b.data.sum(1) > 0).to(torch::kLong);
    b.epoch = epoch_;
    b.index = next_++;
    return b;
  }

 private:
  int64_t batches_, epoch_ = 0, next_ = 0;
};

struct NetImpl : torch::nn::Module {
  explicit NetImpl(int64_t hidden = 16)
      : fc1(register_module("fc1", torch::nn::Linear(6, hidden))),
        drop(register_module("drop", torch::nn::Dropout(0.3))),
        fc2(register_module("fc2", torch::nn::Linear(hidden, 2))) {}
  at::Tensor forward(at::Tensor x) { return fc2(drop(torch::relu(fc1(x)))); }
  torch::nn::Linear fc1;
  torch::nn::Dropout drop;
  torch::nn::Linear fc2;
};
TORCH_MODULE(Net);

class ToyTrainer : public Trainer {
 public:
  ToyTrainer(TrainerOptions options, Net net, BatchSource* source)
      : Trainer(std::move(options), net.ptr(), source),
        net_(net),
        sgd_(net->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9).weight_decay(1e-4)) {
    add_optimizer("sgd", &sgd_, LinearDecayLr(0.1, 40));
  }
  at::ScalarType last_dtype = at::kFloat;

 protected:
  Metrics train_step(const Batch& batch) override {
    at::Tensor logits;
    {
      auto guard = autocast();
      logits = net_->forward(batch.data);
    }
    last_dtype = logits.scalar_type();
    at::Tensor loss = torch::nn::functional::cross_entropy(logits.to(at::kFloat), batch.target);
    sgd_.zero_grad();
    backward(loss);
    step(sgd_, /*clip_norm=*/5.0);
    return {{"loss", loss.item<double>()}};
  }
  Metrics validate(int64_t epoch) override {
    ToySource valid(2);
    valid.start_epoch(100 + epoch, 0);
    torch::NoGradGuard no_grad;
    double correct = 0, total = 0;
    while (auto b = valid.next()) {
      correct += (net_->forward(b->data).argmax(1) == b->target).sum().item<double>();
      total += b->target.size(0);
    }
    return {{"accuracy", correct / total}};
  }

 private:
  Net net_;
  torch::optim::SGD sgd_;
};

std::string Dir(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

TrainerOptions Options(const std::string& dir) {
  TrainerOptions o;
  o.epochs = 3;
  o.log_every = 3;
  o.output_dir = dir;
  o.checkpoint_every = 4;
  o.keep_checkpoints = 2;
  o.progress = false;
  return o;
}

std::vector<at::Tensor> Params(const Net& net) {
  std::vector<at::Tensor> out;
  for (const auto& p : net->parameters()) out.push_back(p.detach().clone());
  return out;
}

class Recorder : public Callback {
 public:
  std::vector<std::string> events;
  void on_epoch_begin(Trainer&, int64_t e) override {
    events.push_back("begin " + std::to_string(e));
  }
  void on_batch_begin(Trainer&, const Batch& b) override {
    events.push_back("b" + std::to_string(b.index));
  }
  void on_batch_end(Trainer& t, const Batch& b, const Metrics& m) override {
    events.push_back("e" + std::to_string(b.index) + (m.count("loss") ? "" : "?"));
  }
  void on_epoch_end(Trainer&, int64_t e, const Metrics& m) override {
    events.push_back("end " + std::to_string(e) + (m.count("accuracy") ? "" : "?"));
  }
};

TEST(TrainerTest, CallbacksAtEpochAndBatchBoundaries) {
  torch::manual_seed(0);
  ToySource source(2);
  TrainerOptions o;
  o.epochs = 2;
  o.progress = false;
  ToyTrainer trainer(o, Net(), &source);
  auto recorder = std::make_shared<Recorder>();
  trainer.add_callback(recorder);
  ASSERT_TRUE(trainer.fit().ok());
  EXPECT_EQ(recorder->events,
            (std::vector<std::string>{"begin 0", "b0", "e0", "b1", "e1", "end 0", "begin 1", "b0",
                                      "e0", "b1", "e1", "end 1"}));
  EXPECT_EQ(trainer.global_step(), 4);
}

TEST(TrainerTest, StepLeavesNoGradientSoOffPathParametersStayUntouched) {
  torch::manual_seed(0);
  ToySource source(3);
  TrainerOptions o;
  o.progress = false;
  Net net;
  // A parameter the loss never reaches, with momentum state from a first step.
  auto unused = net->register_parameter("unused", torch::ones({3}));
  ToyTrainer trainer(o, net, &source);
  ASSERT_TRUE(trainer.fit().ok());
  for (const auto& p : net->parameters()) EXPECT_FALSE(p.grad().defined());
  EXPECT_TRUE(torch::equal(unused, torch::ones({3})));
}

TEST(TrainerTest, ResumeAfterInterruptionEqualsUninterruptedBitForBit) {
  ToySource source(5);
  torch::manual_seed(1);
  Net reference;
  {
    ToyTrainer trainer(Options(Dir("uninterrupted")), reference, &source);
    ASSERT_TRUE(trainer.fit().ok());
    EXPECT_EQ(trainer.global_step(), 15);
  }
  torch::manual_seed(1);
  Net first;
  TrainerOptions stop_early = Options(Dir("interrupted"));
  stop_early.max_steps = 7;  // mid-epoch 1
  {
    ToyTrainer trainer(stop_early, first, &source);
    ASSERT_TRUE(trainer.fit().ok());
    EXPECT_EQ(trainer.global_step(), 7);
  }
  torch::manual_seed(12345);  // the resumed process starts with other weights and RNG
  Net resumed;
  TrainerOptions resume = Options(Dir("interrupted"));
  resume.resume = true;
  ToyTrainer trainer(resume, resumed, &source);
  absl::Status status = trainer.fit();
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(trainer.global_step(), 15);
  auto a = Params(reference), b = Params(resumed);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << "parameter " << i;

  // The metrics log of the resumed run equals the uninterrupted one, step by step.
  auto steps = [](const std::string& dir) {
    std::vector<std::tuple<std::string, int64_t, double>> out;
    std::istringstream lines(*ReadFile(JoinPath(dir, "metrics.jsonl")));
    std::string line;
    while (std::getline(lines, line)) {
      Json j = Json::parse(line);
      out.emplace_back(j["split"].get<std::string>(), j["step"].get<int64_t>(),
                       j.value("loss", j.value("accuracy", -1.0)));
    }
    return out;
  };
  EXPECT_EQ(steps(Dir("uninterrupted")), steps(Dir("interrupted")));
}

TEST(TrainerTest, ValidateNowScoresTheWeightsAfterAMidEpochStop) {
  ToySource source(5);
  torch::manual_seed(1);
  const std::string dir = Dir("validate_now");
  TrainerOptions o = Options(dir);
  o.max_steps = 7;  // 1.4 epochs: fit() validates after step 5 only
  Net net;
  ToyTrainer trainer(o, net, &source);
  auto valid_steps = [&] {
    std::vector<int64_t> steps;
    std::istringstream lines(ReadFile(JoinPath(dir, "metrics.jsonl")).value_or(""));
    std::string line;
    while (std::getline(lines, line)) {
      Json j = Json::parse(line);
      if (j["split"] == "valid") steps.push_back(j["step"].get<int64_t>());
    }
    return steps;
  };
  // Before fit() it validates without writing anywhere.
  ASSERT_TRUE(trainer.validate_now().ok());
  EXPECT_TRUE(valid_steps().empty());

  ASSERT_TRUE(trainer.fit().ok());
  EXPECT_EQ(valid_steps(), std::vector<int64_t>{5});
  absl::StatusOr<Metrics> now = trainer.validate_now();
  ASSERT_TRUE(now.ok()) << now.status().message();
  EXPECT_EQ(valid_steps(), (std::vector<int64_t>{5, 7}));
  EXPECT_EQ(trainer.last_validation(), *now);
  EXPECT_TRUE(net->is_training());
  // The weights after step 7, scored by hand.
  net->eval();
  ToySource valid(2);
  valid.start_epoch(101, 0);
  double correct = 0, total = 0;
  while (auto b = valid.next()) {
    correct += (net->forward(b->data).argmax(1) == b->target).sum().item<double>();
    total += b->target.size(0);
  }
  EXPECT_DOUBLE_EQ(now->at("accuracy"), correct / total);
  // No step since: nothing is run or logged again.
  ASSERT_TRUE(trainer.validate_now().ok());
  EXPECT_EQ(valid_steps().size(), 2u);
}

// Asks to stop once `at` steps ran (an early-stop rule decided by state the
// checkpoint would keep; here the step count is that state).
class StoppingTrainer : public ToyTrainer {
 public:
  StoppingTrainer(TrainerOptions options, Net net, BatchSource* source, int64_t at)
      : ToyTrainer(std::move(options), net, source), at_(at) {}
  int64_t steps_run = 0;

 protected:
  Metrics train_step(const Batch& batch) override {
    ++steps_run;
    return ToyTrainer::train_step(batch);
  }
  bool stop_requested() const override { return global_step() >= at_; }

 private:
  int64_t at_;
};

TEST(TrainerTest, AStopRequestEndsTrainingWithACheckpointAndHoldsOnResume) {
  ToySource source(5);
  torch::manual_seed(1);
  const std::string dir = Dir("stop_requested");
  TrainerOptions o = Options(dir);
  Net net;
  StoppingTrainer trainer(o, net, &source, /*at=*/7);
  ASSERT_TRUE(trainer.fit().ok());
  EXPECT_EQ(trainer.global_step(), 7);
  EXPECT_EQ(trainer.steps_run, 7);
  EXPECT_TRUE(FileExists(JoinPath(dir, "checkpoints/ckpt-0000000007.pt")));
  std::vector<at::Tensor> stopped = Params(net);

  o.resume = true;
  Net again;
  StoppingTrainer resumed(o, again, &source, /*at=*/7);
  ASSERT_TRUE(resumed.fit().ok());
  EXPECT_EQ(resumed.global_step(), 7);
  EXPECT_EQ(resumed.steps_run, 0);
  std::vector<at::Tensor> restored = Params(again);
  for (size_t i = 0; i < stopped.size(); ++i) EXPECT_TRUE(torch::equal(stopped[i], restored[i]));
}

TEST(TrainerTest, LogsMetricsAndTensorBoardScalars) {
  torch::manual_seed(0);
  ToySource source(4);
  std::string dir = Dir("logs");
  ToyTrainer trainer(Options(dir), Net(), &source);
  ASSERT_TRUE(trainer.fit().ok());
  std::string tb_dir = JoinPath(dir, "tensorboard");
  std::string event_file;
  DIR* d = opendir(tb_dir.c_str());
  ASSERT_NE(d, nullptr);
  while (dirent* e = readdir(d)) {
    if (std::string(e->d_name).rfind("events.out.tfevents.", 0) == 0)
      event_file = JoinPath(tb_dir, e->d_name);
  }
  closedir(d);
  ASSERT_FALSE(event_file.empty());
  auto events = ReadScalarEvents(event_file);
  ASSERT_TRUE(events.ok()) << events.status().message();
  std::map<std::string, std::vector<int64_t>> steps;
  for (const auto& e : *events) steps[e.tag].push_back(e.step);
  // Logged every 3 steps and at each epoch end (4 batches per epoch).
  EXPECT_EQ(steps["train/loss"], (std::vector<int64_t>{3, 4, 6, 8, 9, 12}));
  EXPECT_EQ(steps["train/lr"], steps["train/loss"]);
  EXPECT_EQ(steps["valid/accuracy"], (std::vector<int64_t>{4, 8, 12}));
  if (const char* out = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR")) {
    ASSERT_TRUE(WriteFileAtomically(JoinPath(out, "trainer.tfevents"), *ReadFile(event_file)).ok());
    ASSERT_TRUE(WriteFileAtomically(JoinPath(out, "metrics.jsonl"),
                                    *ReadFile(JoinPath(dir, "metrics.jsonl")))
                    .ok());
  }
  // The learning rate follows the per-step linear decay: 0.1 * (1 - 11/40) at step 12.
  EXPECT_NEAR(events->back().tag == "valid/accuracy" ? (*events)[events->size() - 2].value : 0,
              0.1 * (1 - 11.0 / 40), 1e-6);
}

TEST(TrainerTest, KeepsTheNewestCheckpointsOnly) {
  torch::manual_seed(0);
  ToySource source(5);
  std::string dir = Dir("keep");
  ToyTrainer trainer(Options(dir), Net(), &source);
  ASSERT_TRUE(trainer.fit().ok());
  EXPECT_TRUE(FileExists(JoinPath(dir, "checkpoints/ckpt-0000000015.pt")));
  EXPECT_TRUE(FileExists(JoinPath(dir, "checkpoints/ckpt-0000000012.pt")));
  EXPECT_FALSE(FileExists(JoinPath(dir, "checkpoints/ckpt-0000000010.pt")));
}

TEST(TrainerTest, BadCheckpointsAreClearErrors) {
  torch::manual_seed(0);
  ToySource source(5);
  std::string dir = Dir("bad");
  {
    ToyTrainer trainer(Options(dir), Net(), &source);
    ASSERT_TRUE(trainer.fit().ok());
  }
  // Without --resume, an existing run is not overwritten.
  {
    ToyTrainer trainer(Options(dir), Net(), &source);
    absl::Status s = trainer.fit();
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(s.message()), HasSubstr("pass --resume"));
  }
  TrainerOptions resume = Options(dir);
  resume.resume = true;
  // A checkpoint of another model.
  {
    ToyTrainer trainer(resume, Net(32), &source);
    EXPECT_THAT(std::string(trainer.fit().message()),
                HasSubstr("the checkpoint does not match the model"));
  }
  // A corrupt newest checkpoint; the one before it stays untouched.
  std::string newest = JoinPath(dir, "checkpoints/ckpt-0000000015.pt");
  std::string previous = JoinPath(dir, "checkpoints/ckpt-0000000012.pt");
  std::string previous_bytes = *ReadFile(previous);
  std::string bytes = *ReadFile(newest);
  ASSERT_TRUE(WriteFileAtomically(newest, bytes.substr(0, bytes.size() / 2)).ok());
  {
    ToyTrainer trainer(resume, Net(), &source);
    absl::Status s = trainer.fit();
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(std::string(s.message()), HasSubstr("ckpt-0000000015.pt is damaged"));
  }
  EXPECT_EQ(*ReadFile(previous), previous_bytes);
  // Killed before its first checkpoint: a resume starts from the beginning,
  // without the dead run's log lines.
  TrainerOptions empty = Options(Dir("empty"));
  ASSERT_TRUE(WriteFileAtomically(JoinPath(empty.output_dir, "metrics.jsonl"),
                                  "{\"split\":\"train\",\"step\":1,\"loss\":9}\n")
                  .ok());
  empty.resume = true;
  ToyTrainer trainer(empty, Net(), &source);
  ASSERT_TRUE(trainer.fit().ok());
  std::string metrics = *ReadFile(JoinPath(empty.output_dir, "metrics.jsonl"));
  EXPECT_THAT(metrics, Not(HasSubstr("\"loss\":9")));
  EXPECT_THAT(metrics, HasSubstr("\"step\":1"));
}

// A step whose loss is not finite (a learning rate too high, bad data).
class DivergingTrainer : public ToyTrainer {
 public:
  using ToyTrainer::ToyTrainer;

 protected:
  Metrics train_step(const Batch& batch) override {
    Metrics metrics = ToyTrainer::train_step(batch);
    if (global_step() == 5) metrics["loss"] = std::nan("");
    return metrics;
  }
};

TEST(TrainerTest, ADivergedRunStopsWithAClearError) {
  ToySource source(4);
  DivergingTrainer trainer(Options(Dir("diverged")), Net(), &source);
  absl::Status s = trainer.fit();
  EXPECT_THAT(std::string(s.message()), HasSubstr("step 6 (epoch 2): the training loss is nan"));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("the training loss is"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("the run diverged; lower the learning rate"));
}

TEST(TrainerTest, BadOptions) {
  ToySource source(1);
  TrainerOptions o;
  o.precision = "fp8";
  ToyTrainer trainer(o, Net(), &source);
  EXPECT_THAT(std::string(trainer.fit().message()),
              HasSubstr("'fp8' is not one of fp32, bf16, fp16"));
  auto fails_with = [&](TrainerOptions options, const std::string& message) {
    ToyTrainer t(options, Net(), &source);
    EXPECT_THAT(std::string(t.fit().message()), HasSubstr(message));
  };
  TrainerOptions fp16;
  fp16.precision = "fp16";
  fails_with(fp16, "precision fp16 needs --device=cuda; on CPU use bf16");
  TrainerOptions cuda;
  cuda.device = "cuda";
  if (!torch::cuda::is_available()) fails_with(cuda, "CUDA is not available");
  TrainerOptions bad_device;
  bad_device.device = "tpu";
  fails_with(bad_device, "device 'tpu' is not cpu, cuda or cuda:N");
  TrainerOptions parsed;
  EXPECT_THAT(
      std::string(
          TrainerOptionsFromJson(Json::parse(R"({"epoch": 3})"), "$.trainer", &parsed).message()),
      HasSubstr("unknown member $.trainer.epoch"));
}

TEST(TrainerTest, Bf16AutocastOnCpu) {
  torch::manual_seed(0);
  ToySource source(3);
  TrainerOptions o;
  o.precision = "bf16";
  o.progress = false;
  ToyTrainer trainer(o, Net(), &source);
  ASSERT_TRUE(trainer.fit().ok());
  EXPECT_EQ(trainer.last_dtype, at::kBFloat16);
  EXPECT_FALSE(IsAutocastEnabled(c10::DeviceType::CPU));
  EXPECT_GT(trainer.last_validation().at("accuracy"), 0.0);
}

}  // namespace
}  // namespace nas
