// The common part of every mutable (LayerChoice, InputChoice, MutableScope):
// its key, its kind, the mutator it is bound to, and a fixed decision once an
// architecture has been applied.
//
// A mutable's *decision* is a 1-D mask over its candidates:
//   * bool  mask: run only the selected candidates;
//   * float mask (any floating dtype): weighted sum of the candidates with a
//     non-zero weight; candidates with weight 0 are not run at all.
// The selected outputs are then reduced by the mutable's Reduction:
//   nothing selected -> an undefined tensor (empty output);
//   one selected     -> that output unchanged (times its weight for floats);
//   sum / mean (over the selected outputs) / concat (along dim 1);
//   none             -> the list of selected outputs, no reduction.
#ifndef NAS_CORE_MUTABLE_H_
#define NAS_CORE_MUTABLE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace nas {

class BaseMutator;

enum class Reduction { kSum, kMean, kConcat, kNone };

// "sum", "mean", "concat", "none".
const char* ReductionName(Reduction reduction);

enum class MutableKind { kLayerChoice, kInputChoice, kScope };

const char* MutableKindName(MutableKind kind);

// What a choice returns: the reduced output (undefined when nothing was
// selected, or when the reduction is kNone), the selected outputs when the
// reduction is kNone, and the mask that was used.
struct ChoiceOutput {
  at::Tensor output;
  std::vector<at::Tensor> outputs;
  at::Tensor mask;
};

// Runs candidate `i` (a LayerChoice candidate on the choice's inputs, or
// returns input `i` of an InputChoice). An undefined result means "missing"
// (InputChoice inputs may be missing).
using CandidateFn = std::function<at::Tensor(int64_t)>;

// Applies `mask` (bool or floating, length n) to the candidates and reduces,
// per the rules above. Throws c10::Error naming `key` for a mask of the wrong
// rank, length or dtype.
//
// `zero_outputs`: candidates known to output zeros (DARTS's "none"). In a
// weighted sum or mean they are not run while another candidate with a
// non-zero weight is (they add nothing; a mean still counts them; their
// weight gets the zero gradient it would have had).
ChoiceOutput SelectAndReduce(const std::string& key, const at::Tensor& mask, int64_t n,
                             const CandidateFn& run, Reduction reduction,
                             const std::vector<int64_t>& zero_outputs = {});

// Checks a decision mask for `key`: 1-D, `n` entries, bool or floating.
// Throws c10::Error naming the key otherwise.
void CheckMask(const std::string& key, const at::Tensor& mask, int64_t n);

class Mutable {
 public:
  virtual ~Mutable() = default;

  // The key given in the options, or "" (the default key is then the
  // module's path in the model, assigned when a mutator binds or a fixed
  // architecture is applied).
  const std::string& explicit_key() const { return explicit_key_; }

  // The key in use: explicit, or assigned at binding. Empty before binding.
  const std::string& key() const { return key_; }

  virtual MutableKind kind() const = 0;

  // Number of candidates (0 for scopes).
  virtual int64_t n_candidates() const { return 0; }

  // The mutator this mutable is bound to, or nullptr.
  BaseMutator* mutator() const { return mutator_; }

  // The applied fixed decision (undefined unless an architecture was applied).
  const at::Tensor& fixed_mask() const { return fixed_mask_; }
  bool is_fixed() const { return fixed_mask_.defined(); }

 protected:
  explicit Mutable(std::string explicit_key) : explicit_key_(std::move(explicit_key)) {}
  Mutable(const Mutable&) = default;
  Mutable& operator=(const Mutable&) = default;

  // Called when a fixed architecture is applied: the mask was validated.
  virtual void fix(const at::Tensor& mask) { fixed_mask_ = mask; }

  // For copies made by clone(): a copy is never bound.
  void clear_binding() { mutator_ = nullptr; }

  // Throws when the mutable is neither bound nor fixed.
  void check_ready() const;

 private:
  friend class MutableAccess;  // mutable_access.h: binding and fixing

  std::string explicit_key_;
  std::string key_;
  BaseMutator* mutator_ = nullptr;
  at::Tensor fixed_mask_;
};

}  // namespace nas

#endif  // NAS_CORE_MUTABLE_H_
