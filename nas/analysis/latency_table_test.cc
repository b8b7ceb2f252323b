#include "nas/analysis/latency_table.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nas/base/file.h"
#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using torch::nn::NamedAnyModule;

std::string Scratch(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

// Four 5x5 convolutions of 16 channels.
struct HeavyImpl : torch::nn::Module {
  HeavyImpl() {
    for (int i = 0; i < 4; ++i) {
      convs->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(16, 16, 5).padding(2)));
    }
    register_module("convs", convs);
  }
  at::Tensor forward(at::Tensor x) { return convs->forward(x); }
  torch::nn::Sequential convs;
};
TORCH_MODULE(Heavy);

// A stem, one choice between an identity, a 1x1 and four 5x5 convolutions,
// and a head.
struct NetImpl : torch::nn::Module {
  NetImpl() {
    stem =
        register_module("stem", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 16, 3).padding(1)));
    op = register_module(
        "op", LayerChoice(
                  std::vector<NamedAnyModule>{
                      {"identity", torch::nn::Identity()},
                      {"conv1x1", torch::nn::Conv2d(torch::nn::Conv2dOptions(16, 16, 1))},
                      {"heavy", Heavy()}},
                  LayerChoiceOptions().key("op")));
    fc = register_module("fc", torch::nn::Linear(16, 4));
  }
  at::Tensor forward(at::Tensor x) { return fc(op(stem(x)).mean({2, 3})); }
  torch::nn::Conv2d stem{nullptr};
  LayerChoice op{nullptr};
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(Net);

int builds = 0;
absl::StatusOr<BuiltSpace> MakeNet() {
  ++builds;
  Net net;
  BuiltSpace built;
  built.model = net.ptr();
  built.input_shape = {3, 32, 32};
  built.forward = [net](const at::Tensor& x) mutable { return net->forward(x); };
  return built;
}

LatencyOptions Fast() {
  LatencyOptions o;
  o.batch = 2;
  o.warmup = 1;
  o.repetitions = 5;
  return o;
}

Decisions Pick(int i) {
  at::Tensor m = torch::zeros({3}, torch::kBool);
  m[i] = true;
  return {{"op", m}};
}

TEST(LatencyTable, TimesEveryCandidateWhereItSits) {
  LatencyOptions options = Fast();
  options.repetitions = 21;  // robust to another test's load on the cores
  // One intra-op thread: with the cores oversubscribed (the suite compiles
  // and tests in parallel), a two-thread operation waits for its descheduled
  // second thread, which once made the 1x1 convolution measure 24 ms.
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  struct Restore {
    int threads;
    ~Restore() { at::set_num_threads(threads); }
  } restore{threads};
  absl::StatusOr<LatencyTable> table = MeasureLatencyTable(&MakeNet, {{"space", "net"}}, options);
  ASSERT_OK(table.status());
  ASSERT_EQ(table->candidates.size(), 1u);
  EXPECT_THAT(table->names.at("op"), ElementsAre("identity", "conv1x1", "heavy"));
  const std::vector<double>& ms = table->candidates.at("op");
  // Four 5x5 convolutions of 16 channels cost far more than one 1x1 and an
  // identity (tens of times: robust to this machine's noise).
  EXPECT_GT(ms[2], 4 * ms[1]);
  EXPECT_GT(ms[2], 4 * ms[0]);
  EXPECT_GE(table->rest_ms, 0);
  EXPECT_EQ(table->key["space"], "net");
  EXPECT_EQ(table->key["batch"], 2);
  EXPECT_EQ(table->key["machine"], MachineKey());

  absl::StatusOr<double> light = table->predict(Pick(0));
  absl::StatusOr<double> heavy = table->predict(Pick(2));
  ASSERT_OK(light.status());
  ASSERT_OK(heavy.status());
  EXPECT_DOUBLE_EQ(*light, table->rest_ms + ms[0]);
  EXPECT_DOUBLE_EQ(*heavy, table->rest_ms + ms[2]);
}

// Two positions of one key (summed) and an input choice that keeps one of
// two branches.
struct GatedNetImpl : torch::nn::Module {
  GatedNetImpl() {
    auto make = [](const std::string& key) {
      return LayerChoice(
          std::vector<NamedAnyModule>{{"identity", torch::nn::Identity()}, {"heavy", Heavy()}},
          LayerChoiceOptions().key(key));
    };
    a1 = register_module("a1", make("a"));
    a2 = register_module("a2", make("a"));
    b = register_module("b", make("b"));
    gate = register_module(
        "gate", InputChoice(InputChoiceOptions().choose_from({"a", "b"}).n_chosen(1).key("gate")));
  }
  at::Tensor forward(at::Tensor x) {
    at::Tensor y = a2(a1(x));
    return gate->forward_by_key({{"a", y}, {"b", b(x)}}).mean({1, 2, 3});
  }
  LayerChoice a1{nullptr}, a2{nullptr}, b{nullptr};
  InputChoice gate{nullptr};
};
TORCH_MODULE(GatedNet);

absl::StatusOr<BuiltSpace> MakeGatedNet() {
  GatedNet net;
  BuiltSpace built;
  built.model = net.ptr();
  built.input_shape = {16, 16, 16};
  built.forward = [net](const at::Tensor& x) mutable { return net->forward(x); };
  return built;
}

at::Tensor Mask(std::vector<bool> on) {
  at::Tensor m = torch::zeros({static_cast<int64_t>(on.size())}, torch::kBool);
  for (size_t i = 0; i < on.size(); ++i) m[i] = static_cast<bool>(on[i]);
  return m;
}

TEST(LatencyTable, SharedKeysAddUpAndAChoiceSelectingNothingCostsNothing) {
  // A timer that counts: 1 ms per timed call, 5 for the whole network.
  LatencyOptions counting = Fast();
  int calls = 0;
  counting.timer = [&](const std::function<void()>& fn) {
    fn();
    return ++calls <= 6 ? 1.0 : 5.0;  // 2 + 2 + 2 candidate calls, then the child
  };
  absl::StatusOr<LatencyTable> table = MeasureLatencyTable(&MakeGatedNet, {}, counting);
  ASSERT_OK(table.status());
  const std::vector<double>& a = table->candidates.at("a");
  const std::vector<double>& b = table->candidates.at("b");
  // "a" runs at two positions (its entries add up), "b" at one.
  EXPECT_THAT(a, ElementsAre(2.0, 2.0));
  EXPECT_THAT(b, ElementsAre(1.0, 1.0));
  // The child of the sampled path: 5 ms, minus the 2 + 1 of its choices.
  EXPECT_DOUBLE_EQ(table->rest_ms, 2.0);
  // A choice that selects nothing (a dropped DARTS edge) costs nothing.
  Decisions both = {
      {"a", Mask({false, true})}, {"b", Mask({false, true})}, {"gate", Mask({true, false})}};
  Decisions only_a = {
      {"a", Mask({false, true})}, {"b", Mask({false, false})}, {"gate", Mask({true, false})}};
  EXPECT_DOUBLE_EQ(*table->predict(both), table->rest_ms + a[1] + b[1]);
  EXPECT_DOUBLE_EQ(*table->predict(only_a), table->rest_ms + a[1]);

  // The expectation: probabilities times entries, scaled by a share;
  // differentiable in the probabilities.
  at::Tensor pa = torch::tensor({0.25, 0.75}, torch::requires_grad());
  at::Tensor pb = torch::tensor({1.0, 0.0}, torch::requires_grad());
  absl::StatusOr<at::Tensor> e = table->expected({{"a", pa}, {"b", pb}}, {{"b", 0.5}});
  ASSERT_OK(e.status());
  EXPECT_NEAR(e->item<double>(), table->rest_ms + (0.25 * a[0] + 0.75 * a[1]) + 0.5 * b[0], 1e-5);
  e->backward();
  EXPECT_NEAR(pa.grad()[1].item<double>(), a[1], 1e-6);
  EXPECT_NEAR(pb.grad()[0].item<double>(), 0.5 * b[0], 1e-6);
  EXPECT_THAT(table->expected({{"a", pa}}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no weights for the layer choice 'b'")));
}

TEST(LatencyTable, PredictingNeedsADecisionPerLayerChoice) {
  LatencyTable table;
  table.candidates["op"] = {1, 2};
  table.names["op"] = {"a", "b"};
  EXPECT_THAT(table.predict({}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no decision for the layer choice 'op'")));
  EXPECT_THAT(table.predict(Pick(0)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("3 entries, the table 2")));
}

TEST(LatencyTable, JsonRoundTripsAndBadFilesAreNamed) {
  LatencyTable table;
  table.key = {{"space", "x"}};
  table.candidates["op"] = {0.5, 2.25};
  table.names["op"] = {"b", "a"};  // candidate order, not alphabetical
  table.rest_ms = 1.5;
  const std::string path = Scratch("table.json");
  ASSERT_OK(WriteLatencyTable(path, table));
  absl::StatusOr<LatencyTable> read = ReadLatencyTable(path);
  ASSERT_OK(read.status());
  EXPECT_EQ(read->key, table.key);
  EXPECT_EQ(read->candidates, table.candidates);
  EXPECT_EQ(read->names, table.names);
  EXPECT_EQ(read->rest_ms, 1.5);

  struct Bad {
    const char* json;
    const char* message;
  };
  for (
      const Bad& bad : std::vector<Bad>{
          {R"({"key": {}, "unit": "s", "rest_ms": 0, "choices": {}})", "$.unit: expected \"ms\""},
          {R"({"key": {}, "unit": "ms", "rest_ms": 0, "choices": {"op": {"names": ["a"], "ms": [-1]}}})",
           "$.choices.op.ms[0]: expected milliseconds >= 0"},
          {R"({"key": {}, "unit": "ms", "rest_ms": 0, "choices": {"op": {"names": ["a"], "ms": []}}})",
           "1 names and 0 times"},
          {R"({"key": {}, "unit": "ms", "rest_ms": 0, "choices": {"op": {"names": ["a"]}}})",
           "$.choices.op.ms: required member is missing"},
          {R"({"unit": "ms", "rest_ms": 0, "choices": {}})", "$.key: expected an object"},
          {R"({"key": {}, "unit": "ms", "rest_ms": 0, "choices": {}, "x": 1})", "x"},
          {"[1,", "table_bad.json"},
      }) {
    ASSERT_OK(WriteFileAtomically(Scratch("table_bad.json"), bad.json));
    EXPECT_THAT(ReadLatencyTable(Scratch("table_bad.json")).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(bad.message)))
        << bad.json;
  }
}

TEST(LatencyTable, CachedWhileTheKeyHoldsMeasuredAgainOtherwise) {
  const std::string path = Scratch("cache.json");
  builds = 0;
  absl::StatusOr<LatencyTable> first =
      LoadOrMeasureLatencyTable(path, &MakeNet, {{"space", "net"}}, Fast());
  ASSERT_OK(first.status());
  EXPECT_EQ(builds, 2) << "a supernet and a child";
  absl::StatusOr<LatencyTable> again =
      LoadOrMeasureLatencyTable(path, &MakeNet, {{"space", "net"}}, Fast());
  ASSERT_OK(again.status());
  EXPECT_EQ(builds, 2) << "read from the cache";
  EXPECT_EQ(again->candidates, first->candidates);
  LatencyOptions other = Fast();
  other.batch = 3;
  absl::StatusOr<LatencyTable> batch3 =
      LoadOrMeasureLatencyTable(path, &MakeNet, {{"space", "net"}}, other);
  ASSERT_OK(batch3.status());
  EXPECT_EQ(builds, 4) << "another batch: measured again";
  EXPECT_EQ((*ReadLatencyTable(path)).key["batch"], 3);

  // A file that is not a table is not overwritten.
  ASSERT_OK(WriteFileAtomically(path, "{}"));
  EXPECT_THAT(LoadOrMeasureLatencyTable(path, &MakeNet, {{"space", "net"}}, Fast()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a latency table")));
  EXPECT_EQ(*ReadFile(path), "{}");
}

TEST(LatencyTable, BadOptionsAndSpacesAreErrors) {
  LatencyOptions o = Fast();
  o.repetitions = 0;
  EXPECT_THAT(MeasureLatencyTable(&MakeNet, {}, o).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("repetitions must be >= 1")));
  auto plain = []() -> absl::StatusOr<BuiltSpace> {
    BuiltSpace built;
    torch::nn::Linear fc(3, 2);
    built.model = fc.ptr();
    built.input_shape = {3};
    built.forward = [fc](const at::Tensor& x) mutable { return fc->forward(x); };
    return built;
  };
  EXPECT_THAT(MeasureLatencyTable(plain, {}, Fast()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no layer choice")));
}

}  // namespace
}  // namespace nas
