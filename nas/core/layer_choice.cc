#include "nas/core/layer_choice.h"

#include <set>

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include "nas/core/base_mutator.h"

namespace nas {
namespace {

std::vector<std::string> IndexNames(size_t n) {
  std::vector<std::string> names;
  for (size_t i = 0; i < n; ++i) names.push_back(std::to_string(i));
  return names;
}

std::vector<std::string> NamesOf(const std::vector<torch::nn::NamedAnyModule>& named) {
  std::vector<std::string> names;
  for (const auto& m : named) names.push_back(m.name());
  return names;
}

std::vector<torch::nn::AnyModule> ModulesOf(std::vector<torch::nn::NamedAnyModule> named) {
  std::vector<torch::nn::AnyModule> modules;
  for (auto& m : named) modules.push_back(m.module());
  return modules;
}

}  // namespace

LayerChoiceImpl::LayerChoiceImpl(std::vector<torch::nn::AnyModule> candidates,
                                 LayerChoiceOptions options)
    // AnyModule copies share the module; no move here, since the order in
    // which arguments are evaluated is unspecified.
    : LayerChoiceImpl(std::move(options), IndexNames(candidates.size()), candidates) {}

LayerChoiceImpl::LayerChoiceImpl(std::vector<torch::nn::NamedAnyModule> candidates,
                                 LayerChoiceOptions options)
    : LayerChoiceImpl(std::move(options), NamesOf(candidates), ModulesOf(candidates)) {}

LayerChoiceImpl::LayerChoiceImpl(LayerChoiceOptions options, std::vector<std::string> names,
                                 std::vector<torch::nn::AnyModule> candidates)
    : Mutable(options.key()),
      options_(std::move(options)),
      names_(std::move(names)),
      candidates_(std::move(candidates)) {
  TORCH_CHECK(!candidates_.empty(), "LayerChoice '", options_.key(), "' has no candidates");
  TORCH_CHECK(names_.size() == candidates_.size(), "LayerChoice '", options_.key(),
              "': ", names_.size(), " names for ", candidates_.size(), " candidates");
  std::set<std::string> seen;
  for (const auto& name : names_) {
    TORCH_CHECK(!name.empty(), "LayerChoice '", options_.key(), "': empty candidate name");
    TORCH_CHECK(name.find('.') == std::string::npos, "LayerChoice '", options_.key(),
                "': candidate name '", name, "' contains '.'");
    TORCH_CHECK(seen.insert(name).second, "LayerChoice '", options_.key(), "': candidate name '",
                name, "' is used twice");
  }
  for (size_t i = 0; i < candidates_.size(); ++i) {
    TORCH_CHECK(!candidates_[i].is_empty(), "LayerChoice '", options_.key(), "': candidate '",
                names_[i], "' is empty");
  }
  register_candidates();
}

void LayerChoiceImpl::register_candidates() {
  for (size_t i = 0; i < candidates_.size(); ++i) {
    if (!candidates_[i].is_empty()) register_module(names_[i], candidates_[i].ptr());
  }
}

void LayerChoiceImpl::reset() {}

at::Tensor LayerChoiceImpl::forward(at::Tensor x) { return call(std::move(x)); }

ChoiceOutput LayerChoiceImpl::dispatch(const CandidateFn& run) {
  if (fixed_single_ >= 0) {  // a plain layer now
    ChoiceOutput out;
    out.output = run(fixed_single_);
    out.mask = fixed_mask();
    if (options_.reduction() == Reduction::kNone) out.outputs.push_back(std::move(out.output));
    return out;
  }
  if (is_fixed()) {
    return SelectAndReduce(key(), fixed_mask(), n_candidates(), run, options_.reduction());
  }
  check_ready();
  return mutator()->on_forward_layer_choice(*this, run);
}

void LayerChoiceImpl::fix(const at::Tensor& mask) {
  Mutable::fix(mask);
  at::Tensor host = mask.cpu();
  at::Tensor on = host.scalar_type() == at::kBool ? host : host != 0;
  int64_t kept = 0;
  for (int64_t i = 0; i < n_candidates(); ++i) {
    if (on[i].item<bool>()) {
      ++kept;
      continue;
    }
    unregister_module(names_[i]);
    candidates_[i] = torch::nn::AnyModule();
  }
  if (kept == 1 && host.scalar_type() == at::kBool) {
    fixed_single_ = on.nonzero().item<int64_t>();
  }
}

std::shared_ptr<torch::nn::Module> LayerChoiceImpl::clone(
    const c10::optional<torch::Device>& device) const {
  std::vector<torch::nn::AnyModule> copies;
  for (const auto& c : candidates_) {
    copies.push_back(c.is_empty() ? torch::nn::AnyModule() : c.clone(device));
  }
  // The copy keeps options, names, key and fixed state; it is not bound to
  // any mutator.
  auto copy = std::make_shared<LayerChoiceImpl>(*this);
  for (size_t i = 0; i < names_.size(); ++i) {
    if (!candidates_[i].is_empty()) copy->unregister_module(names_[i]);
  }
  copy->candidates_ = std::move(copies);
  copy->register_candidates();
  copy->clear_binding();
  return copy;
}

void LayerChoiceImpl::pretty_print(std::ostream& stream) const {
  stream << "nas::LayerChoice(key=" << (key().empty() ? explicit_key() : key()) << ", candidates=[";
  for (size_t i = 0; i < names_.size(); ++i) stream << (i ? ", " : "") << names_[i];
  stream << "], reduction=" << ReductionName(options_.reduction());
  if (is_fixed()) {
    stream << ", fixed=[";
    bool first = true;
    for (size_t i = 0; i < names_.size(); ++i) {
      if (candidates_[i].is_empty()) continue;
      stream << (first ? "" : ", ") << names_[i];
      first = false;
    }
    stream << "]";
  }
  stream << ")";
}

}  // namespace nas
