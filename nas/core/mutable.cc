#include "nas/core/mutable.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

namespace nas {

const char* ReductionName(Reduction reduction) {
  switch (reduction) {
    case Reduction::kSum:
      return "sum";
    case Reduction::kMean:
      return "mean";
    case Reduction::kConcat:
      return "concat";
    case Reduction::kNone:
      return "none";
  }
  return "?";
}

const char* MutableKindName(MutableKind kind) {
  switch (kind) {
    case MutableKind::kLayerChoice:
      return "layer_choice";
    case MutableKind::kInputChoice:
      return "input_choice";
    case MutableKind::kScope:
      return "mutable_scope";
  }
  return "?";
}

void CheckMask(const std::string& key, const at::Tensor& mask, int64_t n) {
  TORCH_CHECK(mask.defined(), "decision for '", key, "' is missing (undefined mask)");
  TORCH_CHECK(mask.dim() == 1, "decision for '", key, "' must be a 1-D mask, got shape ",
              mask.sizes());
  TORCH_CHECK(mask.size(0) == n, "decision for '", key, "' has ", mask.size(0),
              " entries but the choice has ", n, " candidates");
  TORCH_CHECK(mask.scalar_type() == at::kBool || at::isFloatingType(mask.scalar_type()),
              "decision for '", key, "' must be a bool or floating mask, got ", mask.scalar_type());
}

ChoiceOutput SelectAndReduce(const std::string& key, const at::Tensor& mask, int64_t n,
                             const CandidateFn& run, Reduction reduction,
                             const std::vector<int64_t>& zero_outputs) {
  CheckMask(key, mask, n);
  ChoiceOutput result;
  result.mask = mask;
  // Masks are tiny; read them on the CPU once.
  at::Tensor host = mask.device().is_cpu() ? mask : mask.cpu();
  std::vector<at::Tensor> selected;
  if (host.scalar_type() == at::kBool) {
    const bool* on = host.contiguous().data_ptr<bool>();
    for (int64_t i = 0; i < n; ++i) {
      if (!on[i]) continue;
      at::Tensor out = run(i);
      if (out.defined()) selected.push_back(std::move(out));
    }
  } else {
    at::Tensor weights = host.to(at::kDouble).contiguous();
    const double* w = weights.data_ptr<double>();
    // A weighted sum (DARTS's mixed operation) is accumulated as it goes:
    // one fused multiply-add per candidate into one buffer instead of a
    // product and a sum each (half the kernels, one temporary per choice).
    const bool accumulate = reduction == Reduction::kSum || reduction == Reduction::kMean;
    // Zero outputs are skipped when something else is summed.
    std::vector<bool> skip(n, false);
    if (accumulate && !zero_outputs.empty()) {
      for (int64_t i : zero_outputs) {
        TORCH_CHECK(i >= 0 && i < n, "zero_outputs of '", key, "': ", i, " is not a candidate");
        skip[i] = true;
      }
      bool other = false;
      for (int64_t i = 0; i < n && !other; ++i) other = !skip[i] && w[i] != 0.0;
      if (!other) skip.assign(n, false);
    }
    at::Tensor sum;
    int64_t summed = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (w[i] == 0.0) continue;  // zero weights cost nothing
      if (skip[i]) {
        ++summed;  // a mean counts it
        continue;
      }
      at::Tensor out = run(i);
      if (!out.defined()) continue;
      // Weight from the original mask keeps its autograd history (DARTS).
      at::Tensor weight = mask[i].to(out.scalar_type());
      if (!accumulate) {
        selected.push_back(out * weight);
      } else if (!sum.defined()) {
        sum = out * weight;
        summed = 1;
      } else if (out.sizes() == sum.sizes() && out.scalar_type() == sum.scalar_type()) {
        // In place is safe: no backward saves `sum` (only the products'
        // factors), and it was created here.
        sum.addcmul_(out, weight);
        ++summed;
      } else {  // broadcasting or promoting, as `+` would
        sum = at::addcmul(sum, out, weight);
        ++summed;
      }
    }
    if (accumulate) {
      if (sum.defined()) {
        result.output =
            reduction == Reduction::kSum || summed == 1 ? sum : sum / static_cast<double>(summed);
      }
      return result;
    }
  }
  if (reduction == Reduction::kNone) {
    result.outputs = std::move(selected);
    return result;
  }
  if (selected.empty()) return result;
  if (selected.size() == 1) {
    result.output = selected[0];
    return result;
  }
  switch (reduction) {
    case Reduction::kSum:
    case Reduction::kMean: {
      at::Tensor sum = selected[0];
      for (size_t i = 1; i < selected.size(); ++i) sum = sum + selected[i];
      result.output =
          reduction == Reduction::kSum ? sum : sum / static_cast<double>(selected.size());
      break;
    }
    case Reduction::kConcat:
      result.output = at::cat(selected, 1);
      break;
    case Reduction::kNone:
      break;
  }
  return result;
}

void Mutable::check_ready() const {
  TORCH_CHECK(mutator_ != nullptr || is_fixed(), MutableKindName(kind()), " '",
              key_.empty() ? explicit_key_ : key_,
              "' was called before a mutator was bound to the model or a fixed "
              "architecture was applied");
}

}  // namespace nas
