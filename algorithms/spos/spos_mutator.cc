#include "algorithms/spos/spos_mutator.h"

#include <algorithm>
#include <numeric>
#include <sstream>

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "absl/strings/str_cat.h"
#include "nas/base/status.h"
#include "nas/core/uniform_sampling.h"

namespace nas::spos {

absl::Status SposSamplingOptionsFromJson(const Json& j, const std::string& path,
                                         SposSamplingOptions* out) {
  JsonObjectReader r(j, path);
  r.Optional("sampling", &out->sampling)
      .Optional("flops_min", &out->flops_min)
      .Optional("flops_max", &out->flops_max)
      .Optional("bins", &out->bins)
      .Optional("max_tries", &out->max_tries);
  const Json* fixed = r.Member("fixed");
  NAS_RETURN_IF_ERROR(r.Finish());
  if (fixed != nullptr) {
    const std::string fixed_path = JsonChildPath(path, "fixed");
    if (!fixed->is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat(fixed_path, ": expected an object of layer choice key -> candidate name"));
    }
    out->fixed.clear();
    for (const auto& [key, value] : fixed->items()) {
      if (!value.is_string()) {
        return absl::InvalidArgumentError(
            absl::StrCat(JsonChildPath(fixed_path, key), ": expected a candidate name"));
      }
      out->fixed[key] = value.get<std::string>();
    }
  }
  if (out->sampling != "uniform" && out->sampling != "flops_bins" &&
      out->sampling != "strict_fair") {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ".sampling: '", out->sampling, "' is not one of uniform, flops_bins, strict_fair"));
  }
  if (!(out->flops_min >= 0 && out->flops_max > out->flops_min)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": need 0 <= flops_min < flops_max"));
  }
  if (out->bins < 1) return absl::InvalidArgumentError(absl::StrCat(path, ".bins must be >= 1"));
  if (out->max_tries < 1)
    return absl::InvalidArgumentError(absl::StrCat(path, ".max_tries must be >= 1"));
  return absl::OkStatus();
}

Json SposSamplingOptionsToJson(const SposSamplingOptions& o) {
  return {{"sampling", o.sampling}, {"flops_min", o.flops_min}, {"flops_max", o.flops_max},
          {"bins", o.bins},         {"max_tries", o.max_tries}, {"fixed", o.fixed}};
}

namespace {

at::Tensor OneHot(int64_t size, int64_t index) {
  at::Tensor mask = at::zeros({size}, at::kBool);
  mask.data_ptr<bool>()[index] = true;
  return mask;
}

// `length` entries: random orders of 0..size-1, one after another.
std::vector<int64_t> ConcatenatedPermutations(int64_t size, int64_t length, std::mt19937_64& rng) {
  std::vector<int64_t> out;
  while (static_cast<int64_t>(out.size()) < length) {
    std::vector<int64_t> order(size);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    out.insert(out.end(), order.begin(), order.end());
  }
  out.resize(length);
  return out;
}

}  // namespace

int64_t StrictFairGroupSize(const SearchSpace& space, const std::map<std::string, int64_t>& fixed) {
  int64_t m = 1;
  for (const ChoiceSpec& spec : space.choices()) {
    if (spec.kind == MutableKind::kLayerChoice && fixed.count(spec.key) == 0)
      m = std::max(m, spec.size());
  }
  return m;
}

std::vector<Decisions> StrictFairPaths(const SearchSpace& space,
                                       const std::map<std::string, int64_t>& fixed,
                                       std::mt19937_64& rng) {
  const int64_t m = StrictFairGroupSize(space, fixed);
  std::vector<Decisions> paths(m);
  for (const ChoiceSpec& spec : space.choices()) {
    auto pinned = fixed.find(spec.key);
    if (pinned != fixed.end()) {
      for (Decisions& path : paths) path[spec.key] = OneHot(spec.size(), pinned->second);
    } else if (spec.kind == MutableKind::kLayerChoice) {
      std::vector<int64_t> order = ConcatenatedPermutations(spec.size(), m, rng);
      for (int64_t i = 0; i < m; ++i) paths[i][spec.key] = OneHot(spec.size(), order[i]);
    } else {
      for (Decisions& path : paths) path[spec.key] = SampleUniformDecision(spec, rng);
    }
  }
  return paths;
}

SposMutator::SposMutator(std::shared_ptr<torch::nn::Module> model, SposSamplingOptions options,
                         uint64_t seed, PathCost cost)
    : Mutator(std::move(model)), options_(std::move(options)), rng_(seed), cost_(std::move(cost)) {
  SposSamplingOptions checked;
  absl::Status s =
      SposSamplingOptionsFromJson(SposSamplingOptionsToJson(options_), "sampling", &checked);
  TORCH_CHECK(s.ok(), std::string(s.message()));
  TORCH_CHECK(options_.sampling != "flops_bins" || cost_ != nullptr,
              "SposMutator: flops_bins sampling needs a cost function");
  for (const auto& [key, candidate] : options_.fixed) {
    const ChoiceSpec* spec = search_space().find(key);
    TORCH_CHECK(spec != nullptr && spec->kind == MutableKind::kLayerChoice, "sampling.fixed: '",
                key, "' is not a layer choice of the model; its choices are ",
                search_space().key_list());
    auto found = std::find(spec->candidates.begin(), spec->candidates.end(), candidate);
    TORCH_CHECK(found != spec->candidates.end(), "sampling.fixed.", key, ": '", candidate,
                "' is not one of its candidates");
    fixed_[key] = found - spec->candidates.begin();
  }
  if (options_.sampling == "strict_fair") {
    paths_per_step_ = static_cast<int>(StrictFairGroupSize(search_space(), fixed_));
  }
}

Decisions SposMutator::pin(Decisions decisions) const {
  for (const auto& [key, index] : fixed_) {
    decisions[key] = OneHot(search_space().find(key)->size(), index);
  }
  return decisions;
}

Decisions SposMutator::sample_search() {
  ++paths_;
  if (options_.sampling == "strict_fair") {
    if (pending_.empty()) {
      for (Decisions& path : StrictFairPaths(search_space(), fixed_, rng_))
        pending_.push_back(std::move(path));
    }
    Decisions next = std::move(pending_.front());
    pending_.pop_front();
    return next;
  }
  if (options_.sampling == "uniform") return pin(SampleUniformDecisions(search_space(), rng_));
  int bin = std::uniform_int_distribution<int>(0, options_.bins - 1)(rng_);
  double width = (options_.flops_max - options_.flops_min) / options_.bins;
  double lo = options_.flops_min + bin * width;
  double hi = bin == options_.bins - 1 ? options_.flops_max : lo + width;
  Decisions decisions;
  for (int attempt = 0; attempt < options_.max_tries; ++attempt) {
    decisions = pin(SampleUniformDecisions(search_space(), rng_));
    double cost = cost_(decisions);
    if (cost >= lo && (cost < hi || (bin == options_.bins - 1 && cost <= hi))) return decisions;
  }
  ++fallbacks_;
  return decisions;
}

void SposMutator::save(torch::serialize::OutputArchive& archive) const {
  std::ostringstream state;
  state << rng_;
  archive.write("spos_mutator.rng", c10::IValue(state.str()));
  archive.write("spos_mutator.counts", c10::IValue(std::vector<int64_t>{paths_, fallbacks_}));
  // The rest of a strict-fair group, one row per path (the space's masks
  // end to end); none between training steps, which run whole groups.
  std::vector<at::Tensor> rows;
  for (const Decisions& path : pending_) {
    std::vector<at::Tensor> masks;
    for (const ChoiceSpec& spec : search_space().choices()) masks.push_back(path.at(spec.key));
    rows.push_back(at::cat(masks));
  }
  archive.write("spos_mutator.pending", rows.empty() ? at::zeros({0}, at::kBool) : at::stack(rows));
}

void SposMutator::load(torch::serialize::InputArchive& archive) {
  c10::IValue value;
  archive.read("spos_mutator.rng", value);
  std::istringstream state(value.toStringRef());
  state >> rng_;
  TORCH_CHECK(!state.fail(), "corrupt spos_mutator.rng state in checkpoint");
  c10::IValue counts;
  archive.read("spos_mutator.counts", counts);
  std::vector<int64_t> c = counts.toIntVector();
  TORCH_CHECK(c.size() == 2, "corrupt spos_mutator.counts in checkpoint");
  paths_ = c[0];
  fallbacks_ = c[1];
  pending_.clear();
  at::Tensor rows;
  if (!archive.try_read("spos_mutator.pending", rows) || rows.numel() == 0) return;
  int64_t width = 0;
  for (const ChoiceSpec& spec : search_space().choices()) width += spec.size();
  TORCH_CHECK(rows.dim() == 2 && rows.size(1) == width && rows.scalar_type() == at::kBool,
              "corrupt spos_mutator.pending in checkpoint");
  for (int64_t i = 0; i < rows.size(0); ++i) {
    Decisions path;
    int64_t offset = 0;
    for (const ChoiceSpec& spec : search_space().choices()) {
      path[spec.key] = rows[i].slice(0, offset, offset + spec.size()).clone();
      offset += spec.size();
    }
    pending_.push_back(std::move(path));
  }
}

}  // namespace nas::spos
