#include "nas/core/mutable_scope.h"

#include <exception>

#include <c10/util/Exception.h>

#include "nas/core/base_mutator.h"

namespace nas {

MutableScopeImpl::MutableScopeImpl(std::string key, torch::nn::AnyModule body)
    : Mutable(std::move(key)), body_(std::move(body)) {
  TORCH_CHECK(!body_.is_empty(), "MutableScope '", explicit_key(), "' has no body");
  register_module("body", body_.ptr());
}

at::Tensor MutableScopeImpl::forward(at::Tensor x) { return call(std::move(x)); }

MutableScopeImpl::Guard::Guard(MutableScopeImpl& scope) : scope_(scope) {
  if (scope_.mutator() != nullptr) scope_.mutator()->enter_mutable_scope(scope_);
}

MutableScopeImpl::Guard::~Guard() noexcept(false) {
  if (scope_.mutator() == nullptr) return;
  // Never throw while another exception unwinds.
  if (std::uncaught_exceptions() > 0) {
    try {
      scope_.mutator()->exit_mutable_scope(scope_);
    } catch (...) {
    }
    return;
  }
  scope_.mutator()->exit_mutable_scope(scope_);
}

std::shared_ptr<torch::nn::Module> MutableScopeImpl::clone(
    const c10::optional<torch::Device>& device) const {
  auto copy = std::make_shared<MutableScopeImpl>(*this);
  copy->unregister_module("body");
  copy->body_ = body_.clone(device);
  copy->register_module("body", copy->body_.ptr());
  copy->clear_binding();
  return copy;
}

void MutableScopeImpl::pretty_print(std::ostream& stream) const {
  stream << "nas::MutableScope(key=" << (key().empty() ? explicit_key() : key()) << ")";
}

}  // namespace nas
