// EnasMutator: the shared conformance suite, the controller's arithmetic
// recomputed by hand on a tiny space, the direction of its gradients, a
// short learning run on a synthetic reward, resume, and the ENAS spaces.
#include "algorithms/enas/enas_mutator.h"

#include <sstream>

#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>
#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "algorithms/enas/macro_space.h"
#include "algorithms/enas/micro_space.h"
#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"
#include "nas/testing/mutator_conformance.h"

namespace nas::enas {
namespace {

TEST(EnasMutatorTest, Conformance) {
  nas::testing::ExpectMutatorConformance(
      [](std::shared_ptr<torch::nn::Module> model, uint64_t seed) {
        EnasMutatorOptions o;
        o.seed = seed;
        return std::make_unique<EnasMutator>(model, o);
      });
}

// Layer choices of 3 and 2 candidates, an input choice with n_chosen unset,
// one with n_chosen = 1 and one with n_chosen = 2 of 3.
struct TinyNetImpl : torch::nn::Module {
  TinyNetImpl() {
    a = register_module(
        "a",
        LayerChoice(std::vector<torch::nn::AnyModule>{torch::nn::AnyModule(torch::nn::Linear(4, 4)),
                                                      torch::nn::AnyModule(torch::nn::Linear(4, 4)),
                                                      torch::nn::AnyModule(torch::nn::Identity())},
                    LayerChoiceOptions().key("a")));
    b = register_module(
        "b",
        LayerChoice(std::vector<torch::nn::AnyModule>{torch::nn::AnyModule(torch::nn::Linear(4, 4)),
                                                      torch::nn::AnyModule(torch::nn::Identity())},
                    LayerChoiceOptions().key("b")));
    skip = register_module("skip",
                           InputChoice(InputChoiceOptions().choose_from({"a", "b"}).key("skip")));
    pick = register_module(
        "pick", InputChoice(InputChoiceOptions().choose_from({"a", "b"}).n_chosen(1).key("pick")));
    two = register_module(
        "two",
        InputChoice(InputChoiceOptions().choose_from({"a", "b", ""}).n_chosen(2).key("two")));
  }
  at::Tensor forward(at::Tensor x) {
    at::Tensor ya = a(x), yb = b(ya);
    at::Tensor s = skip(std::vector<at::Tensor>{ya, yb});
    at::Tensor p = pick(std::vector<at::Tensor>{ya, yb});
    at::Tensor t = two(std::vector<at::Tensor>{ya, yb, x});
    return (s.defined() ? s : torch::zeros_like(x)) + p + t;
  }
  LayerChoice a{nullptr}, b{nullptr};
  InputChoice skip{nullptr}, pick{nullptr}, two{nullptr};
};
TORCH_MODULE(TinyNet);

int64_t Index(const at::Tensor& mask) { return mask.to(at::kLong).argmax().item<int64_t>(); }

TEST(EnasMutatorTest, LogProbIsTheSumOfRecomputedLogSoftmaxEntries) {
  TinyNet net;
  EnasMutatorOptions o;
  o.seed = 5;
  o.temperature = 2.0;
  EnasMutator mutator(net, o);
  EnasControllerImpl& ctl = *mutator.controller();
  auto shape = [&](at::Tensor logits) { return 1.5 * torch::tanh(logits / 2.0); };
  for (int trial = 0; trial < 5; ++trial) {
    mutator.reset();
    const Decisions& d = mutator.decisions();
    // By hand, in definition order: a, b, skip, pick, two ("" gets an anchor
    // from an extra LSTM step before two's own step).
    at::Tensor h = torch::zeros({1, 64}), c = torch::zeros({1, 64});
    at::Tensor inputs = ctl.g_emb();
    auto step = [&] { std::tie(h, c) = ctl.lstm()->forward(inputs, std::make_tuple(h, c)); };
    at::Tensor expected = torch::zeros({});
    step();
    int64_t ia = Index(d.at("a"));
    expected = expected + torch::log_softmax(shape(ctl.decoder(3)->forward(h)).view({3}), 0)[ia];
    inputs = ctl.embedding(3)->forward(torch::full({1}, ia, torch::kLong));
    at::Tensor anchor_a = h;
    step();
    int64_t ib = Index(d.at("b"));
    expected = expected + torch::log_softmax(shape(ctl.decoder(2)->forward(h)).view({2}), 0)[ib];
    inputs = ctl.embedding(2)->forward(torch::full({1}, ib, torch::kLong));
    at::Tensor anchor_b = h;
    auto scores = [&](const at::Tensor& anchors) {
      at::Tensor q =
          torch::tanh(ctl.attn_anchor()->forward(anchors) + ctl.attn_query()->forward(h));
      return shape(ctl.v_attn()->forward(q)).view({anchors.size(0)});
    };
    step();
    at::Tensor ab = torch::cat({anchor_a, anchor_b}, 0);
    at::Tensor s = scores(ab);
    at::Tensor z = d.at("skip").to(torch::kFloat);
    ASSERT_EQ(d.at("skip").scalar_type(), torch::kBool);
    for (int j = 0; j < 2; ++j) {
      expected = expected +
                 (z[j].item<float>() > 0 ? torch::log_sigmoid(s[j]) : torch::log_sigmoid(-s[j]));
    }
    inputs = torch::matmul(z.view({1, 2}), ab) / (1 + z.sum());
    step();
    int64_t ip = Index(d.at("pick"));
    expected = expected + torch::log_softmax(scores(ab), 0)[ip];
    inputs = ab[ip].view({1, 64});
    step();  // the anchor of the third, keyless input
    at::Tensor anchor_x = h;
    step();
    at::Tensor abx = torch::cat({anchor_a, anchor_b, anchor_x}, 0);
    at::Tensor s3 = scores(abx);
    std::vector<int64_t> chosen;
    for (int j = 0; j < 3; ++j) {
      if (d.at("two")[j].item<bool>()) chosen.push_back(j);
    }
    ASSERT_EQ(chosen.size(), 2u);
    // The sample's own draw order is not in the mask; log_prob() uses the
    // increasing order, which the hand computation follows.
    at::Tensor first = torch::log_softmax(s3, 0)[chosen[0]];
    at::Tensor second =
        torch::log_softmax(s3.index_fill(0, torch::tensor({chosen[0]}), -INFINITY), 0)[chosen[1]];
    expected = expected + first + second;
    at::Tensor forced = mutator.log_prob(d);
    EXPECT_NEAR(forced.item<double>(), expected.item<double>(), 1e-5);
    EXPECT_TRUE(forced.requires_grad());
  }
}

TEST(EnasMutatorTest, SampleStatisticsMatchTeacherForcing) {
  auto model = MakeEnasMacro(Json::parse(R"({"layers": 4, "channels": 4})"));
  ASSERT_TRUE(model.ok());
  EnasMutator mutator(model->model);
  for (int i = 0; i < 5; ++i) {
    mutator.reset();
    double sampled = mutator.sample_log_prob().item<double>();
    double entropy = mutator.sample_entropy().item<double>();
    double penalty = mutator.sample_skip_penalty().item<double>();
    EXPECT_LT(sampled, 0);
    EXPECT_GT(entropy, 0);
    EXPECT_GE(penalty, 0);  // a sum of KL divergences
    EXPECT_NEAR(mutator.log_prob(mutator.decisions()).item<double>(), sampled, 1e-5);
    EXPECT_NEAR(mutator.sample_entropy().item<double>(), entropy, 1e-5);
  }
}

TEST(EnasMutatorTest, EntropyAscentRaisesEntropy) {
  TinyNet net;
  EnasMutator mutator(net);
  mutator.reset();
  Decisions d = mutator.decisions();
  mutator.log_prob(d);
  at::Tensor entropy = mutator.sample_entropy();
  torch::optim::SGD sgd(mutator.parameters(), torch::optim::SGDOptions(0.5));
  double h0 = entropy.item<double>();
  (-entropy).backward();
  sgd.step();
  mutator.log_prob(d);
  EXPECT_GT(mutator.sample_entropy().item<double>(), h0);
}

TEST(EnasMutatorTest, ReinforceGradientFollowsTheAdvantage) {
  for (double advantage : {1.0, -1.0}) {
    TinyNet net;
    EnasMutator mutator(net);
    mutator.reset();
    Decisions d = mutator.decisions();
    double lp0 = mutator.sample_log_prob().item<double>();
    torch::optim::SGD sgd(mutator.parameters(), torch::optim::SGDOptions(0.1));
    at::Tensor loss = -mutator.sample_log_prob() * advantage;
    loss.backward();
    sgd.step();
    double lp1 = mutator.log_prob(d).item<double>();
    if (advantage > 0) {
      EXPECT_GT(lp1, lp0);
    } else {
      EXPECT_LT(lp1, lp0);
    }
  }
}

TEST(EnasMutatorTest, LearnsToPreferTheRewardedOp) {
  TinyNet net;
  EnasMutatorOptions o;
  o.seed = 1;
  EnasMutator mutator(net, o);
  torch::optim::Adam adam(mutator.parameters(), torch::optim::AdamOptions(0.02));
  double baseline = 0, first_rewards = 0, last_rewards = 0;
  const int steps = 300;
  for (int i = 0; i < steps; ++i) {
    mutator.reset();
    double reward =
        Index(mutator.decisions().at("a")) == 2 && mutator.decisions().at("pick")[1].item<bool>()
            ? 1
            : 0;
    if (i < 50) first_rewards += reward;
    if (i >= steps - 50) last_rewards += reward;
    baseline = i == 0 ? reward : 0.9 * baseline + 0.1 * reward;
    adam.zero_grad();
    (-mutator.sample_log_prob() * (reward - baseline)).backward();
    adam.step();
  }
  EXPECT_GT(last_rewards, first_rewards + 10);
  Decisions best = mutator.sample_final();
  EXPECT_EQ(Index(best.at("a")), 2);
  EXPECT_TRUE(best.at("pick")[1].item<bool>());
}

TEST(EnasMutatorTest, FinalIsGreedyAndChangesNothing) {
  TinyNet net;
  EnasMutator mutator(net);
  mutator.reset();
  Decisions current = mutator.decisions();
  double lp = mutator.sample_log_prob().item<double>();
  Decisions a = mutator.sample_final(), b = mutator.sample_final();
  for (const auto& [key, mask] : a) EXPECT_TRUE(torch::equal(mask, b.at(key))) << key;
  EXPECT_EQ(mutator.sample_log_prob().item<double>(), lp);
  for (const auto& [key, mask] : current)
    EXPECT_TRUE(torch::equal(mask, mutator.decisions().at(key))) << key;
}

TEST(EnasMutatorTest, SaveLoadRestoresControllerAndGenerator) {
  TinyNet net1, net2;
  EnasMutatorOptions o1, o2;
  o1.seed = 1;
  o2.seed = 2;
  EnasMutator m1(net1, o1), m2(net2, o2);
  torch::optim::SGD sgd(m1.parameters(), torch::optim::SGDOptions(0.3));
  m1.reset();
  (-m1.sample_log_prob()).backward();
  sgd.step();
  torch::serialize::OutputArchive out;
  m1.save(out);
  std::ostringstream stream;
  out.save_to(stream);
  torch::serialize::InputArchive in;
  std::istringstream input(stream.str());
  in.load_from(input);
  m2.load(in);
  for (int i = 0; i < 3; ++i) {
    m1.reset();
    m2.reset();
    for (const auto& [key, mask] : m1.decisions())
      EXPECT_TRUE(torch::equal(mask, m2.decisions().at(key))) << key;
    EXPECT_DOUBLE_EQ(m1.sample_log_prob().item<double>(), m2.sample_log_prob().item<double>());
  }
}

TEST(EnasMutatorTest, BadForcedDecisionsNameTheKey) {
  TinyNet net;
  EnasMutator mutator(net);
  mutator.reset();
  Decisions d = mutator.decisions();
  d["a"] = torch::tensor({true, true, false});
  try {
    mutator.log_prob(d);
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what_without_backtrace()).find("'a' must select exactly one"),
              std::string::npos);
  }
  EXPECT_THROW(EnasMutator(TinyNet(),
                           [] {
                             EnasMutatorOptions o;
                             o.skip_target = 1.5;
                             return o;
                           }()),
               c10::Error);
}

TEST(EnasMutatorTest, DrivesTheMicroSpace) {
  auto model = MakeEnasMicro(Json::parse(R"({"channels": 4, "nodes": 3})"));
  ASSERT_TRUE(model.ok());
  EnasMutatorOptions o;
  o.tanh_constant = 1.1;
  o.cell_exit_extra_step = true;
  EnasMutator mutator(model->model, o);
  for (int i = 0; i < 3; ++i) {
    mutator.reset();
    for (const auto& [key, mask] : mutator.decisions())
      EXPECT_EQ(mask.to(at::kLong).sum().item<int64_t>(), 1) << key;
    EXPECT_NEAR(mutator.log_prob(mutator.decisions()).item<double>(),
                mutator.sample_log_prob().item<double>(), 1e-5);
    at::Tensor out = model->forward(torch::randn({2, 1, 28, 28}));
    EXPECT_EQ(out.sizes(), (std::vector<int64_t>{2, 10}));
  }
}

}  // namespace
}  // namespace nas::enas
