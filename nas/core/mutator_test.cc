// Binding rules of BaseMutator and the Mutator's reset/export contract.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/linear.h>

#include "nas/core/input_choice.h"
#include "nas/core/layer_choice.h"
#include "nas/core/mutable_scope.h"
#include "nas/core/mutable_tree.h"
#include "nas/core/mutator.h"
#include "nas/testing/status_matchers.h"
#include "nas/testing/tensor_matchers.h"
#include "nas/testing/toy_spaces.h"

namespace nas {
namespace {

using ::nas::testing::TensorEq;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

class FirstMutator : public Mutator {
 public:
  using Mutator::Mutator;
  int searches = 0;
  Decisions sample_search() override {
    ++searches;
    return sample_final();
  }
  Decisions sample_final() override {
    Decisions d;
    for (const auto& spec : search_space().choices()) {
      at::Tensor mask = torch::zeros({spec.size()}, torch::kBool);
      mask[0] = true;
      d[spec.key] = mask;
    }
    return d;
  }
};

std::shared_ptr<torch::nn::Module> Toy(const std::string& name) {
  for (const auto& t : testing::ToySpaces()) {
    if (t.name == name) return t.make();
  }
  return nullptr;
}

torch::nn::AnyModule Lin() { return torch::nn::AnyModule(torch::nn::Linear(2, 2)); }

TEST(MutatorTest, BindingCollectsDeduplicatedChoicesInDefinitionOrder) {
  auto model = Toy("chain");
  FirstMutator m(model);
  std::vector<std::string> keys;
  for (const auto& c : m.search_space().choices()) keys.push_back(c.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"op1", "shared", "unnamed"}));
  EXPECT_EQ(m.all_mutables().size(), 4u);
  EXPECT_EQ(m.all_mutables()[2].first, "shared_b");
  EXPECT_EQ(m.search_space().find("unnamed")->candidates, (std::vector<std::string>{"0", "1"}));
}

TEST(MutatorTest, DefaultKeysAreModulePathsAndStable) {
  auto a = Toy("nested"), b = Toy("nested");
  FirstMutator ma(a), mb(b);
  EXPECT_EQ(ma.search_space().choices()[0].key, "blocks.0.choice");
  EXPECT_EQ(ma.search_space(), mb.search_space());
}

TEST(MutatorTest, ScopesAndInputChoicesAreFound) {
  auto model = Toy("cell");
  FirstMutator m(model);
  const ChoiceSpec* skip = m.search_space().find("skip");
  ASSERT_NE(skip, nullptr);
  EXPECT_EQ(skip->candidates, (std::vector<std::string>{"cell", ""}));
  EXPECT_EQ(skip->n_chosen, 1);
  EXPECT_EQ(m.search_space().find("cell"), nullptr);  // scopes have no decision
  EXPECT_EQ(m.all_mutables()[0].second->kind(), MutableKind::kScope);
}

TEST(MutatorTest, ModelBindsOnce) {
  auto model = Toy("chain");
  FirstMutator first(model);
  EXPECT_THAT([&] { FirstMutator second(model); },
              ThrowsMessage<c10::Error>(HasSubstr("already bound to a mutator")));
}

TEST(MutatorTest, DestroyingTheMutatorUnbinds) {
  auto model = Toy("chain");
  { FirstMutator first(model); }
  FirstMutator second(model);
  second.reset();
  EXPECT_EQ(second.searches, 1);
}

struct NestedChoiceImpl : torch::nn::Module {
  NestedChoiceImpl() {
    register_module("outer", LayerChoice(std::vector<torch::nn::AnyModule>{torch::nn::AnyModule(
                                 LayerChoice(std::vector<torch::nn::AnyModule>{Lin(), Lin()}))}));
  }
};

TEST(MutatorTest, MutableInsideAChoiceIsRejected) {
  auto model = std::make_shared<NestedChoiceImpl>();
  EXPECT_THAT([&] { FirstMutator m(model); },
              ThrowsMessage<c10::Error>(HasSubstr(
                  "mutable 'outer.0' is nested inside the choice 'outer'; only a MutableScope")));
}

struct ForwardReferenceImpl : torch::nn::Module {
  ForwardReferenceImpl() {
    register_module("in", InputChoice(InputChoiceOptions().choose_from({"later"}).key("in")));
    register_module("later", LayerChoice(std::vector<torch::nn::AnyModule>{Lin()},
                                         LayerChoiceOptions().key("later")));
  }
};

TEST(MutatorTest, ChooseFromMustNameAnEarlierMutable) {
  auto model = std::make_shared<ForwardReferenceImpl>();
  EXPECT_THAT([&] { FirstMutator m(model); },
              ThrowsMessage<c10::Error>(HasSubstr(
                  "choose_from key 'later' does not name a mutable or scope defined before it")));
}

struct ConflictingKeysImpl : torch::nn::Module {
  ConflictingKeysImpl() {
    register_module("a", LayerChoice(std::vector<torch::nn::AnyModule>{Lin(), Lin()},
                                     LayerChoiceOptions().key("k")));
    register_module(
        "b", LayerChoice(std::vector<torch::nn::AnyModule>{Lin()}, LayerChoiceOptions().key("k")));
  }
};

TEST(MutatorTest, SharedKeysMustAgree) {
  auto model = std::make_shared<ConflictingKeysImpl>();
  EXPECT_THAT([&] { FirstMutator m(model); },
              ThrowsMessage<c10::Error>(HasSubstr("mutables sharing the key 'k' differ")));
}

TEST(MutatorTest, SharedKeyMeansOneDecision) {
  auto model = Toy("chain");
  FirstMutator m(model);
  m.reset();
  Decisions d = m.decisions();
  d["shared"] = torch::tensor({false, true});
  m.set_decisions(d);
  // Both shared choices now run their second candidate (conv1x1).
  auto* net = model.get();
  for (const auto& item : net->named_modules()) {
    auto* lc = dynamic_cast<LayerChoiceImpl*>(item.value().get());
    if (lc != nullptr && lc->key() == "shared") {
      EXPECT_THAT(lc->forward_with_mask(torch::zeros({1, 8, 4, 4})).mask,
                  TensorEq(torch::tensor({false, true})));
    }
  }
}

TEST(MutatorTest, ResetCachesUntilNextResetAndExportChangesNothing) {
  auto model = Toy("chain");
  FirstMutator m(model);
  m.reset();
  Decisions before = m.decisions();
  Architecture arch = m.export_architecture();
  EXPECT_EQ(m.searches, 1);
  EXPECT_EQ(m.decisions().size(), before.size());
  EXPECT_EQ(arch.to_json(), Json::parse(R"({"op1": "conv3x3", "shared": "conv3x3",
                                            "unnamed": 0})"));
  m.reset();
  EXPECT_EQ(m.searches, 2);
}

TEST(MutatorTest, SearchSpaceOfMatchesBinding) {
  auto model = Toy("cell");
  auto space = SearchSpaceOf(*Toy("cell"));
  ASSERT_OK(space);
  FirstMutator m(model);
  EXPECT_EQ(*space, m.search_space());
}

}  // namespace
}  // namespace nas
