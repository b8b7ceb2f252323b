#include "algorithms/spos/flops_table.h"

#include <algorithm>
#include <mutex>
#include <utility>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn/modules/container/sequential.h>

#include "absl/strings/str_cat.h"
#include "nas/analysis/flops.h"
#include "nas/base/status.h"

namespace nas::spos {
namespace {

// Restores the default CPU generator on scope exit: building the probe
// modules draws their (default) initial weights from it, and building a
// table must not change what a later seeded model gets.
class PreserveRng {
 public:
  PreserveRng() : generator_(at::detail::getDefaultCPUGenerator()) {
    std::lock_guard<std::mutex> lock(generator_.mutex());
    state_ = generator_.get_state();
  }
  ~PreserveRng() {
    std::lock_guard<std::mutex> lock(generator_.mutex());
    generator_.set_state(state_);
  }
  PreserveRng(const PreserveRng&) = delete;
  PreserveRng& operator=(const PreserveRng&) = delete;

 private:
  at::Generator generator_;
  at::Tensor state_;
};

template <typename M>
absl::StatusOr<ModelCost> Count(M& module, const std::vector<int64_t>& input_shape) {
  return CountCost(
      *module.ptr(), [&](const at::Tensor& x) { return module->forward(x); }, input_shape);
}

}  // namespace

absl::StatusOr<FlopsTable> FlopsTable::Build(const ShuffleNetSpaceOptions& options) {
  NAS_RETURN_IF_ERROR(ValidateShuffleNetSpaceOptions(options));
  FlopsTable t;
  t.options_ = options;
  t.blocks_ = ShuffleNetBlocks(options);
  t.space_ = ShuffleNetSearchSpace(options);
  NAS_RETURN_IF_ERROR(CatchExceptions([&]() -> absl::Status {
    PreserveRng preserve_rng;
    torch::nn::Sequential stem = MakeShuffleNetStem(options);
    NAS_ASSIGN_OR_RETURN(ModelCost stem_cost, Count(stem, {options.in_channels, options.image_size,
                                                           options.image_size}));
    const BlockGeometry& last = t.blocks_.back();
    ShuffleNetHead head(options);
    NAS_ASSIGN_OR_RETURN(ModelCost head_cost,
                         Count(head, {last.out_channels, last.output_size(), last.output_size()}));
    t.fixed_macs_ = stem_cost.macs + head_cost.macs;
    t.fixed_parameters_ = stem_cost.parameters + head_cost.parameters;
    for (const BlockGeometry& b : t.blocks_) {
      std::vector<int64_t> macs, parameters;
      for (int c = 0; c < kNumShuffleNetCandidates; ++c) {
        ShuffleBlock block(ShuffleBlockOptions::ForCandidate(b, c, options.affine));
        NAS_ASSIGN_OR_RETURN(
            ModelCost cost,
            Annotate(Count(block, {b.in_channels, b.input_size, b.input_size}),
                     absl::StrCat(b.key, " candidate ", ShuffleNetCandidateNames()[c])));
        macs.push_back(cost.macs);
        parameters.push_back(cost.parameters);
      }
      t.macs_.push_back(std::move(macs));
      t.parameters_.push_back(std::move(parameters));
    }
    return absl::OkStatus();
  }));
  return t;
}

int64_t FlopsTable::block_macs(int block, int candidate) const {
  TORCH_CHECK(block >= 0 && block < num_blocks(), "block ", block, " out of range [0, ",
              num_blocks(), ")");
  TORCH_CHECK(candidate >= 0 && candidate < kNumShuffleNetCandidates, "candidate ", candidate,
              " of block ", block, " out of range [0, ", kNumShuffleNetCandidates, ")");
  return macs_[block][candidate];
}

int64_t FlopsTable::block_parameters(int block, int candidate) const {
  block_macs(block, candidate);  // range checks
  return parameters_[block][candidate];
}

int64_t FlopsTable::macs(const std::vector<int>& choices) const {
  TORCH_CHECK(static_cast<int>(choices.size()) == num_blocks(), "FlopsTable: ", choices.size(),
              " choices for ", num_blocks(), " blocks");
  int64_t total = fixed_macs_;
  for (int b = 0; b < num_blocks(); ++b) total += block_macs(b, choices[b]);
  return total;
}

int64_t FlopsTable::parameters(const std::vector<int>& choices) const {
  TORCH_CHECK(static_cast<int>(choices.size()) == num_blocks(), "FlopsTable: ", choices.size(),
              " choices for ", num_blocks(), " blocks");
  int64_t total = fixed_parameters_;
  for (int b = 0; b < num_blocks(); ++b) total += block_parameters(b, choices[b]);
  return total;
}

absl::StatusOr<std::vector<int>> FlopsTable::choices(const Decisions& decisions) const {
  NAS_RETURN_IF_ERROR(space_.check(decisions));
  std::vector<int> result;
  for (const BlockGeometry& b : blocks_) {
    const at::Tensor& mask = decisions.at(b.key);
    if (mask.scalar_type() != at::kBool || mask.sum().item<int64_t>() != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          b.key, ": a SPOS path selects exactly one candidate (a one-hot bool mask), got ",
          mask.scalar_type() == at::kBool ? "a mask selecting " : "weights, ",
          mask.scalar_type() == at::kBool ? absl::StrCat(mask.sum().item<int64_t>(), " candidates")
                                          : std::string("not a selection")));
    }
    result.push_back(static_cast<int>(mask.nonzero().item<int64_t>()));
  }
  return result;
}

absl::StatusOr<std::vector<int>> FlopsTable::choices(const Architecture& arch) const {
  NAS_ASSIGN_OR_RETURN(Decisions decisions, arch.resolve(space_));
  return choices(decisions);
}

absl::StatusOr<int64_t> FlopsTable::macs_of(const Architecture& arch) const {
  NAS_ASSIGN_OR_RETURN(std::vector<int> c, choices(arch));
  return macs(c);
}

absl::StatusOr<int64_t> FlopsTable::parameters_of(const Architecture& arch) const {
  NAS_ASSIGN_OR_RETURN(std::vector<int> c, choices(arch));
  return parameters(c);
}

std::vector<int> FlopsTable::min_macs_choices() const {
  std::vector<int> result;
  for (const auto& row : macs_) {
    result.push_back(static_cast<int>(std::min_element(row.begin(), row.end()) - row.begin()));
  }
  return result;
}

std::vector<int> FlopsTable::max_macs_choices() const {
  std::vector<int> result;
  for (const auto& row : macs_) {
    result.push_back(static_cast<int>(std::max_element(row.begin(), row.end()) - row.begin()));
  }
  return result;
}

Json FlopsTable::to_json() const {
  Json blocks = Json::array();
  for (const BlockGeometry& b : blocks_) {
    blocks.push_back({{"key", b.key},
                      {"stage", b.stage},
                      {"in_channels", b.in_channels},
                      {"out_channels", b.out_channels},
                      {"mid_channels", b.mid_channels},
                      {"stride", b.stride},
                      {"input_size", b.input_size},
                      {"macs", macs_[b.index]},
                      {"parameters", parameters_[b.index]}});
  }
  return Json{{"options", ShuffleNetSpaceOptionsToJson(options_)},
              {"candidates", ShuffleNetCandidateNames()},
              {"fixed", {{"macs", fixed_macs_}, {"parameters", fixed_parameters_}}},
              {"blocks", std::move(blocks)},
              {"min_macs", min_macs()},
              {"max_macs", max_macs()}};
}

}  // namespace nas::spos
