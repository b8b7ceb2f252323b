#include "algorithms/spos/spos_mutator.h"

#include <sstream>

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
  NAS_RETURN_IF_ERROR(r.Finish());
  if (out->sampling != "uniform" && out->sampling != "flops_bins") {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".sampling: '", out->sampling, "' is not one of uniform, flops_bins"));
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
  return {{"sampling", o.sampling},
          {"flops_min", o.flops_min},
          {"flops_max", o.flops_max},
          {"bins", o.bins},
          {"max_tries", o.max_tries}};
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
}

Decisions SposMutator::sample_search() {
  ++paths_;
  if (options_.sampling == "uniform") return SampleUniformDecisions(search_space(), rng_);
  int bin = std::uniform_int_distribution<int>(0, options_.bins - 1)(rng_);
  double width = (options_.flops_max - options_.flops_min) / options_.bins;
  double lo = options_.flops_min + bin * width;
  double hi = bin == options_.bins - 1 ? options_.flops_max : lo + width;
  Decisions decisions;
  for (int attempt = 0; attempt < options_.max_tries; ++attempt) {
    decisions = SampleUniformDecisions(search_space(), rng_);
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
}

}  // namespace nas::spos
