#include "nas/core/input_choice.h"

#include <c10/util/Exception.h>

#include "nas/core/base_mutator.h"

namespace nas {

InputChoiceImpl::InputChoiceImpl(InputChoiceOptions options)
    : Mutable(options.key()), options_(std::move(options)) {
  const std::string& key = options_.key();
  int64_t n = options_.n_candidates();
  auto& from = options_.choose_from();
  TORCH_CHECK(n >= 0, "InputChoice '", key, "': n_candidates is negative");
  if (from.empty()) {
    TORCH_CHECK(n > 0, "InputChoice '", key, "': give n_candidates or choose_from");
    options_.choose_from(std::vector<std::string>(n, ""));
  } else if (n == 0) {
    options_.n_candidates(static_cast<int64_t>(from.size()));
  } else {
    TORCH_CHECK(n == static_cast<int64_t>(from.size()), "InputChoice '", key, "': n_candidates is ",
                n, " but choose_from has ", from.size(), " entries");
  }
  if (options_.n_chosen().has_value()) {
    int64_t k = *options_.n_chosen();
    TORCH_CHECK(k >= 0 && k <= options_.n_candidates(), "InputChoice '", key, "': n_chosen ", k,
                " is outside [0, ", options_.n_candidates(), "]");
  }
}

at::Tensor InputChoiceImpl::forward(std::vector<at::Tensor> inputs) {
  return forward_with_mask(std::move(inputs)).output;
}

at::Tensor InputChoiceImpl::forward_by_key(const std::map<std::string, at::Tensor>& inputs) {
  std::vector<at::Tensor> ordered(n_candidates());
  size_t used = 0;
  for (size_t i = 0; i < choose_from().size(); ++i) {
    auto it = inputs.find(choose_from()[i]);
    if (it != inputs.end() && !choose_from()[i].empty()) {
      ordered[i] = it->second;
      ++used;
    }
  }
  if (used != inputs.size()) {
    for (const auto& [name, tensor] : inputs) {
      bool known = false;
      for (const auto& source : choose_from()) known |= (!source.empty() && source == name);
      TORCH_CHECK(known, "InputChoice '", key(), "': input '", name,
                  "' is not one of its choose_from keys");
    }
  }
  return forward(std::move(ordered));
}

ChoiceOutput InputChoiceImpl::forward_with_mask(std::vector<at::Tensor> inputs) {
  TORCH_CHECK(static_cast<int64_t>(inputs.size()) == n_candidates(), "InputChoice '", key(),
              "' expects ", n_candidates(), " inputs, got ", inputs.size());
  CandidateFn run = [&inputs](int64_t i) { return inputs[i]; };
  if (is_fixed()) {
    return SelectAndReduce(key(), fixed_mask(), n_candidates(), run, options_.reduction());
  }
  check_ready();
  return mutator()->on_forward_input_choice(*this, run);
}

std::shared_ptr<torch::nn::Module> InputChoiceImpl::clone(
    const c10::optional<torch::Device>& device) const {
  auto copy = std::make_shared<InputChoiceImpl>(*this);
  copy->clear_binding();
  return copy;
}

void InputChoiceImpl::pretty_print(std::ostream& stream) const {
  stream << "nas::InputChoice(key=" << (key().empty() ? explicit_key() : key())
         << ", n_candidates=" << n_candidates();
  bool named = false;
  for (const auto& s : choose_from()) named |= !s.empty();
  if (named) {
    stream << ", choose_from=[";
    for (size_t i = 0; i < choose_from().size(); ++i) {
      stream << (i ? ", " : "") << (choose_from()[i].empty() ? "<none>" : choose_from()[i]);
    }
    stream << "]";
  }
  stream << ", n_chosen="
         << (n_chosen().has_value() ? std::to_string(*n_chosen()) : std::string("any"))
         << ", reduction=" << ReductionName(options_.reduction());
  if (is_fixed()) stream << ", fixed";
  stream << ")";
}

}  // namespace nas
