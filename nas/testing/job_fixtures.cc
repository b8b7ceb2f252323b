#include "nas/testing/job_fixtures.h"

#include <sstream>

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/named_any.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "nas/base/status.h"
#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"
#include "nas/core/uniform_sampling.h"

namespace nas::testing {
namespace {

struct TestingCnnImpl : torch::nn::Module {
  explicit TestingCnnImpl(int64_t c) {
    using torch::nn::Conv2dOptions;
    stem = register_module("stem", torch::nn::Conv2d(Conv2dOptions(1, c, 3).padding(1)));
    bn = register_module("bn", torch::nn::BatchNorm2d(c));
    for (int i = 0; i < 2; ++i) {
      std::string key = "op" + std::to_string(i);
      ops.push_back(register_module(
          key, LayerChoice(
                   std::vector<torch::nn::NamedAnyModule>{
                       {"conv3x3", torch::nn::Conv2d(Conv2dOptions(c, c, 3).padding(1))},
                       {"maxpool3x3",
                        torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(1).padding(1))},
                       {"identity", torch::nn::Identity()}},
                   LayerChoiceOptions().key(key))));
    }
    skip = register_module("skip1",
                           InputChoice(InputChoiceOptions().choose_from({"op0"}).key("skip1")));
    fc = register_module("fc", torch::nn::Linear(c, 10));
  }
  at::Tensor forward(at::Tensor x) {
    at::Tensor a = ops[0](torch::relu(bn(stem(x))));
    at::Tensor b = ops[1](a);
    at::Tensor s = skip(std::vector<at::Tensor>{a});
    if (s.defined()) b = b + s;
    return fc(torch::adaptive_avg_pool2d(torch::relu(b), {1, 1}).flatten(1));
  }
  torch::nn::Conv2d stem{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
  std::vector<LayerChoice> ops;
  InputChoice skip{nullptr};
  torch::nn::Linear fc{nullptr};
};

absl::StatusOr<BuiltSpace> MakeTestingCnn(const Json& options) {
  int64_t channels = 4;
  JsonObjectReader r(options.is_null() ? Json::object() : options, "testing_cnn options");
  r.Optional("channels", &channels);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (channels < 1) return absl::InvalidArgumentError("testing_cnn options.channels must be >= 1");
  auto model = std::make_shared<TestingCnnImpl>(channels);
  BuiltSpace built;
  built.model = model;
  built.input_shape = {1, 28, 28};
  built.forward = [model](const at::Tensor& x) { return model->forward(x); };
  built.classes = 10;
  return built;
}

}  // namespace

UniformTestMutator::UniformTestMutator(std::shared_ptr<torch::nn::Module> model, uint64_t seed)
    : Mutator(std::move(model)), rng_(seed) {}

Decisions UniformTestMutator::sample_search() {
  return SampleUniformDecisions(search_space(), rng_);
}

Decisions UniformTestMutator::sample_final() {
  return decisions().empty() ? SampleUniformDecisions(search_space(), rng_) : decisions();
}

void UniformTestMutator::save(torch::serialize::OutputArchive& archive) const {
  std::ostringstream state;
  state << rng_;
  archive.write("rng", c10::IValue(state.str()));
}

void UniformTestMutator::load(torch::serialize::InputArchive& archive) {
  c10::IValue value;
  archive.read("rng", value);
  std::istringstream state(value.toStringRef());
  state >> rng_;
}

UniformPathTrainer::UniformPathTrainer(TrainerOptions trainer_options,
                                       ClassifierTrainerOptions options, BuiltSpace model,
                                       BatchSource* train, BatchSource* valid, uint64_t seed,
                                       Distributed* distributed)
    : ClassifierTrainer(trainer_options, options, model, train, valid, distributed),
      mutator_(std::make_unique<UniformTestMutator>(model.model, seed)) {
  set_mutator(mutator_.get());
}

Metrics UniformPathTrainer::train_step(const Batch& batch) {
  mutator_->reset();
  sync_decisions(*mutator_);
  return ClassifierTrainer::train_step(batch);
}

Metrics UniformPathTrainer::validate(int64_t epoch) {
  if (mutator_->decisions().empty()) mutator_->reset();
  return ClassifierTrainer::validate(epoch);
}

}  // namespace nas::testing

NAS_REGISTER(nas::SpaceRegistry(), nas::testing::kTestingSpace, &nas::testing::MakeTestingCnn);
