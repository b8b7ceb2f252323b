// LayerChoice / InputChoice / MutableScope through their public interface,
// driven by a Mutator that returns fixed decisions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/named_any.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>
#include <torch/utils.h>

#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"
#include "nas/core/mutable_scope.h"
#include "nas/core/mutator.h"
#include "nas/testing/tensor_matchers.h"

namespace nas {
namespace {

using ::nas::testing::TensorEq;
using ::nas::testing::TensorNear;
using ::testing::HasSubstr;

// Candidates that multiply by a constant, so outputs are easy to predict.
struct ScaleImpl : torch::nn::Cloneable<ScaleImpl> {
  explicit ScaleImpl(double s) : s(s) {}
  void reset() override {}
  at::Tensor forward(at::Tensor x) {
    ++calls;
    return x * s;
  }
  double s;
  int calls = 0;
};
TORCH_MODULE(Scale);

// A Mutator whose decisions the test sets.
class ManualMutator : public Mutator {
 public:
  using Mutator::Mutator;
  Decisions next;
  Decisions sample_search() override { return next; }
  Decisions sample_final() override { return next; }
};

struct ChoiceNetImpl : torch::nn::Module {
  explicit ChoiceNetImpl(Reduction r = Reduction::kSum)
      : a(Scale(1)),
        b(Scale(2)),
        c(Scale(3)),
        choice(register_module("choice", LayerChoice(
                                             std::vector<torch::nn::NamedAnyModule>{
                                                 {"one", a}, {"two", b}, {"three", c}},
                                             LayerChoiceOptions().key("op").reduction(r)))),
        input(register_module(
            "input",
            InputChoice(InputChoiceOptions().choose_from({"op", ""}).reduction(r).key("in")))) {}
  Scale a, b, c;
  LayerChoice choice;
  InputChoice input;
};
TORCH_MODULE(ChoiceNet);

at::Tensor Bool(std::vector<int> v) {
  at::Tensor t = torch::zeros({static_cast<int64_t>(v.size())}, torch::kBool);
  for (size_t i = 0; i < v.size(); ++i) t[i] = v[i] != 0;
  return t;
}

class MutablesTest : public ::testing::Test {
 protected:
  void SetUp() override { torch::manual_seed(0); }
  void Decide(ManualMutator& m, at::Tensor op, at::Tensor in = Bool({1, 0})) {
    m.next = {{"op", op}, {"in", in}};
    m.reset();
  }
  at::Tensor x = torch::ones({2, 3});
};

TEST_F(MutablesTest, BoolMaskRunsOnlySelectedCandidates) {
  ChoiceNet net;
  ManualMutator m(net);
  Decide(m, Bool({0, 1, 0}));
  EXPECT_THAT(net->choice(x), TensorEq(x * 2));
  EXPECT_EQ(net->a->calls, 0);
  EXPECT_EQ(net->b->calls, 1);
  EXPECT_EQ(net->c->calls, 0);
}

TEST_F(MutablesTest, Reductions) {
  for (auto [r, expected] : std::vector<std::pair<Reduction, at::Tensor>>{
           {Reduction::kSum, torch::ones({2, 3}) * 4},
           {Reduction::kMean, torch::ones({2, 3}) * 2},
           {Reduction::kConcat, torch::cat({torch::ones({2, 3}), torch::ones({2, 3}) * 3}, 1)}}) {
    ChoiceNet net(r);
    ManualMutator m(net);
    Decide(m, Bool({1, 0, 1}));
    EXPECT_THAT(net->choice(x), TensorNear(expected, 1e-8, 1e-5)) << ReductionName(r);
  }
  ChoiceNet none(Reduction::kNone);
  ManualMutator m(none);
  Decide(m, Bool({1, 0, 1}));
  ChoiceOutput out = none->choice->forward_with_mask(x);
  EXPECT_FALSE(out.output.defined());
  ASSERT_EQ(out.outputs.size(), 2u);
  EXPECT_THAT(out.outputs[1], TensorEq(x * 3));
  EXPECT_THAT(out.mask, TensorEq(Bool({1, 0, 1})));
}

TEST_F(MutablesTest, NothingSelectedGivesUndefinedOutput) {
  ChoiceNet net;
  ManualMutator m(net);
  Decide(m, Bool({0, 0, 0}), Bool({0, 0}));
  EXPECT_FALSE(net->choice(x).defined());
  EXPECT_FALSE(net->input(std::vector<at::Tensor>{x, x}).defined());
}

TEST_F(MutablesTest, FloatMasksOfAnyDtypeWeightAndSkipZeros) {
  for (auto dtype : {torch::kFloat, torch::kDouble, torch::kHalf, torch::kBFloat16}) {
    ChoiceNet net;
    ManualMutator m(net);
    Decide(m, torch::tensor({0.5, 0.0, 0.25}).to(dtype));
    EXPECT_THAT(net->choice(x), TensorNear(x * (0.5 + 0.75), 1e-8, 1e-5)) << dtype;
    EXPECT_EQ(net->b->calls, 0) << "zero weight must not run";
  }
}

TEST_F(MutablesTest, FloatMaskKeepsGradientToWeights) {
  ChoiceNet net;
  ManualMutator m(net);
  at::Tensor alpha = torch::tensor({0.2, 0.3, 0.5}, torch::requires_grad());
  Decide(m, torch::softmax(alpha, 0));
  net->choice(x).sum().backward();
  ASSERT_TRUE(alpha.grad().defined());
  EXPECT_GT(alpha.grad().abs().sum().item<double>(), 0);
}

// The accumulated weighted sum (SelectAndReduce's fused multiply-add) against
// the sum written out, in value and in both gradients, for sum and mean and
// for a mask that skips a candidate.
TEST_F(MutablesTest, WeightedSumEqualsTheExplicitSumWithItsGradients) {
  for (Reduction r : {Reduction::kSum, Reduction::kMean}) {
    for (bool skip : {false, true}) {
      ChoiceNet net(r);
      ManualMutator m(net);
      at::Tensor alpha = torch::tensor({0.2, -0.3, 0.5}, torch::requires_grad());
      at::Tensor alpha_ref = alpha.detach().clone().requires_grad_(true);
      at::Tensor in = torch::randn({2, 3}, torch::requires_grad());
      at::Tensor in_ref = in.detach().clone().requires_grad_(true);
      at::Tensor keep = skip ? torch::tensor({1.0, 0.0, 1.0}) : torch::ones({3});
      Decide(m, torch::softmax(alpha, 0) * keep);
      at::Tensor y = net->choice(in);
      at::Tensor w = torch::softmax(alpha_ref, 0) * keep;
      at::Tensor expected = w[0] * in_ref * 1 + w[1] * in_ref * 2 + w[2] * in_ref * 3;
      if (r == Reduction::kMean) expected = expected / (skip ? 2.0 : 3.0);
      EXPECT_THAT(y, TensorNear(expected, 1e-6, 1e-6)) << ReductionName(r) << " skip " << skip;
      at::Tensor upstream = torch::randn({2, 3});
      (y * upstream).sum().backward();
      (expected * upstream).sum().backward();
      EXPECT_THAT(alpha.grad(), TensorNear(alpha_ref.grad(), 1e-6, 1e-6)) << ReductionName(r);
      EXPECT_THAT(in.grad(), TensorNear(in_ref.grad(), 1e-6, 1e-6)) << ReductionName(r);
    }
  }
}

// A candidate known to output zeros is not run in a weighted sum or mean,
// and the result, its gradients and a mean's count are as if it were.
TEST_F(MutablesTest, ZeroOutputCandidatesAreNotRunButCounted) {
  for (Reduction r : {Reduction::kSum, Reduction::kMean}) {
    at::Tensor x = torch::randn({2, 3});
    auto candidates = [&](std::vector<int>* ran) {
      return [&, ran](int64_t i) {
        ran->push_back(static_cast<int>(i));
        return i == 1 ? x * 0 : x * static_cast<double>(i + 1);
      };
    };
    at::Tensor alpha = torch::tensor({0.1, 0.7, -0.2}, torch::requires_grad());
    at::Tensor alpha_ref = alpha.detach().clone().requires_grad_(true);
    std::vector<int> ran, ran_ref;
    ChoiceOutput out =
        SelectAndReduce("k", torch::softmax(alpha, 0), 3, candidates(&ran), r, /*zero_outputs=*/{1});
    ChoiceOutput ref = SelectAndReduce("k", torch::softmax(alpha_ref, 0), 3, candidates(&ran_ref), r);
    EXPECT_EQ(ran, (std::vector<int>{0, 2}));
    EXPECT_EQ(ran_ref, (std::vector<int>{0, 1, 2}));
    EXPECT_TRUE(out.output.equal(ref.output)) << ReductionName(r);
    at::Tensor upstream = torch::randn({2, 3});
    (out.output * upstream).sum().backward();
    (ref.output * upstream).sum().backward();
    EXPECT_THAT(alpha.grad(), TensorNear(alpha_ref.grad(), 1e-7, 1e-7)) << ReductionName(r);
    // Only the zero candidate weighted: it runs (the result is its zeros).
    ran.clear();
    ChoiceOutput alone = SelectAndReduce("k", torch::tensor({0.0, 1.0, 0.0}), 3, candidates(&ran), r, {1});
    EXPECT_EQ(ran, (std::vector<int>{1}));
    EXPECT_TRUE(alone.output.equal(torch::zeros({2, 3})));
  }
  EXPECT_THROW(SelectAndReduce("k", torch::ones({2}), 2, [&](int64_t) { return torch::ones({1}); },
                               Reduction::kSum, {5}),
               c10::Error);
}

// Candidates whose outputs broadcast or promote are summed as `+` would.
TEST_F(MutablesTest, WeightedSumBroadcastsAndPromotes) {
  at::Tensor a = torch::ones({1, 3}), b = torch::ones({2, 3}, torch::kDouble) * 2;
  ChoiceOutput out = SelectAndReduce(
      "k", torch::tensor({0.5, 0.25}), 2, [&](int64_t i) { return i == 0 ? a : b; },
      Reduction::kSum);
  EXPECT_EQ(out.output.scalar_type(), torch::kDouble);
  EXPECT_THAT(out.output, TensorNear(torch::ones({2, 3}, torch::kDouble), 1e-12, 1e-12));
}

TEST_F(MutablesTest, BadMasksNameTheKey) {
  ChoiceNet net;
  ManualMutator m(net);
  m.next = {{"op", Bool({1, 0})}, {"in", Bool({1, 0})}};
  EXPECT_THAT([&] { m.reset(); }, ::testing::ThrowsMessage<c10::Error>(HasSubstr(
                                      "decision for 'op' has 2 entries but the choice has 3")));
  m.next = {{"op", torch::tensor({0, 1, 0})}, {"in", Bool({1, 0})}};
  EXPECT_THAT([&] { m.reset(); }, ::testing::ThrowsMessage<c10::Error>(
                                      HasSubstr("'op' must be a bool or floating mask")));
  m.next = {{"in", Bool({1, 0})}};
  EXPECT_THAT([&] { m.reset(); },
              ::testing::ThrowsMessage<c10::Error>(HasSubstr("no decision for key 'op'")));
  m.next = {{"op", Bool({1, 0, 0})}, {"in", Bool({1, 0})}, {"extra", Bool({1})}};
  EXPECT_THAT([&] { m.reset(); },
              ::testing::ThrowsMessage<c10::Error>(HasSubstr("unknown key 'extra'")));
}

TEST_F(MutablesTest, ForwardBeforeResetNamesTheChoice) {
  ChoiceNet net;
  ManualMutator m(net);
  EXPECT_THAT([&] { net->choice(x); }, ::testing::ThrowsMessage<c10::Error>(HasSubstr(
                                           "'op' ran before the mutator's first reset()")));
  ChoiceNet unbound;
  EXPECT_THAT([&] { unbound->choice(x); },
              ::testing::ThrowsMessage<c10::Error>(HasSubstr("before a mutator was bound")));
}

TEST_F(MutablesTest, InputChoiceByPositionByKeyAndMissing) {
  ChoiceNet net;
  ManualMutator m(net);
  Decide(m, Bool({1, 0, 0}), Bool({1, 1}));
  at::Tensor y = x * 5;
  EXPECT_THAT(net->input(std::vector<at::Tensor>{x, y}), TensorEq(x + y));
  // By key: the unnamed input is missing and skipped.
  EXPECT_THAT(net->input->forward_by_key({{"op", y}}), TensorEq(y));
  EXPECT_THAT(
      [&] {
        net->input->forward_by_key({{"nope", y}});
      },
      ::testing::ThrowsMessage<c10::Error>(
          HasSubstr("input 'nope' is not one of its choose_from keys")));
  EXPECT_THAT([&] { net->input(std::vector<at::Tensor>{x}); },
              ::testing::ThrowsMessage<c10::Error>(HasSubstr("'in' expects 2 inputs, got 1")));
}

TEST_F(MutablesTest, BadOptionsAreRejected) {
  EXPECT_THROW(LayerChoice(std::vector<torch::nn::AnyModule>{}), c10::Error);
  EXPECT_THAT(
      [] {
        LayerChoice(std::vector<torch::nn::NamedAnyModule>{{"a", Scale(1)}, {"a", Scale(2)}});
      },
      ::testing::ThrowsMessage<c10::Error>(HasSubstr("candidate name 'a' is used twice")));
  EXPECT_THAT([] { InputChoice choice(InputChoiceOptions{}); },
              ::testing::ThrowsMessage<c10::Error>(HasSubstr("give n_candidates or choose_from")));
  EXPECT_THAT(
      [] { InputChoice(InputChoiceOptions().n_candidates(2).choose_from({"a"})); },
      ::testing::ThrowsMessage<c10::Error>(HasSubstr("n_candidates is 2 but choose_from has 1")));
  EXPECT_THAT([] { InputChoice(InputChoiceOptions().n_candidates(2).n_chosen(3)); },
              ::testing::ThrowsMessage<c10::Error>(HasSubstr("n_chosen 3 is outside [0, 2]")));
}

TEST_F(MutablesTest, UnnamedCandidatesAreNumberedAndRegistered) {
  LayerChoice choice(
      std::vector<torch::nn::AnyModule>{torch::nn::AnyModule(torch::nn::Linear(3, 3)),
                                        torch::nn::AnyModule(torch::nn::Linear(3, 3))});
  EXPECT_EQ(choice->names(), (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(choice->named_parameters().size(), 4u);
  EXPECT_TRUE(choice->named_parameters().contains("1.weight"));
}

TEST_F(MutablesTest, PrettyPrintShowsTheChoice) {
  ChoiceNet net;
  std::ostringstream s;
  net->choice->pretty_print(s);
  EXPECT_EQ(s.str(), "nas::LayerChoice(key=op, candidates=[one, two, three], reduction=sum)");
  std::ostringstream t;
  net->input->pretty_print(t);
  EXPECT_EQ(t.str(),
            "nas::InputChoice(key=in, n_candidates=2, choose_from=[op, <none>], "
            "n_chosen=any, reduction=sum)");
}

TEST_F(MutablesTest, CloneCopiesCandidatesAndIsUnbound) {
  ChoiceNet net;
  ManualMutator m(net);
  auto copy = std::dynamic_pointer_cast<LayerChoiceImpl>(net->choice->clone());
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(copy->names(), net->choice->names());
  EXPECT_EQ(copy->mutator(), nullptr);
  EXPECT_NE(copy->candidate(0).ptr().get(), net->choice->candidate(0).ptr().get());
  auto input_copy = std::dynamic_pointer_cast<InputChoiceImpl>(net->input->clone());
  ASSERT_NE(input_copy, nullptr);
  EXPECT_EQ(input_copy->mutator(), nullptr);
  EXPECT_EQ(input_copy->choose_from(), net->input->choose_from());
  // A whole model with parameters clones deeply.
  torch::nn::Sequential seq(LayerChoice(
      std::vector<torch::nn::AnyModule>{torch::nn::AnyModule(torch::nn::Linear(3, 3))}));
  auto seq_copy = std::dynamic_pointer_cast<torch::nn::SequentialImpl>(seq->clone());
  ASSERT_EQ(seq_copy->parameters().size(), 2u);
  EXPECT_THAT(seq_copy->parameters()[0], TensorEq(seq->parameters()[0]));
  EXPECT_NE(seq_copy->parameters()[0].data_ptr(), seq->parameters()[0].data_ptr());
}

class ScopeRecorder : public ManualMutator {
 public:
  using ManualMutator::ManualMutator;
  std::vector<std::string> events;
  void enter_mutable_scope(MutableScopeImpl& s) override { events.push_back("enter " + s.key()); }
  void exit_mutable_scope(MutableScopeImpl& s) override { events.push_back("exit " + s.key()); }
  ChoiceOutput on_forward_layer_choice(LayerChoiceImpl& c, const CandidateFn& run) override {
    events.push_back("choice " + c.key());
    return ManualMutator::on_forward_layer_choice(c, run);
  }
};

struct ScopedImpl : torch::nn::Module {
  ScopedImpl()
      : scope(register_module("scope",
                              MutableScope("cell", torch::nn::AnyModule(LayerChoice(
                                                       std::vector<torch::nn::AnyModule>{
                                                           torch::nn::AnyModule(Scale(1)),
                                                           torch::nn::AnyModule(Scale(2))},
                                                       LayerChoiceOptions().key("inner")))))) {}
  MutableScope scope;
};
TORCH_MODULE(Scoped);

TEST_F(MutablesTest, ScopeHooksWrapTheBody) {
  Scoped net;
  ScopeRecorder m(net);
  m.next = {{"inner", Bool({0, 1})}};
  m.reset();
  EXPECT_THAT(net->scope(x), TensorEq(x * 2));
  EXPECT_EQ(m.events, (std::vector<std::string>{"enter cell", "choice inner", "exit cell"}));
  // Exit runs when the body throws (here: called with two arguments).
  m.events.clear();
  EXPECT_THROW(net->scope->call(x, x), c10::Error);
  EXPECT_EQ(m.events, (std::vector<std::string>{"enter cell", "exit cell"}));
}

}  // namespace
}  // namespace nas
