#include "nas/core/fixed_architecture.h"

#include <algorithm>
#include <map>
#include <sstream>

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <torch/nn/module.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nas/base/file.h"
#include "nas/base/status.h"
#include "nas/base/verified_file.h"
#include "nas/core/internal/mutable_access.h"
#include "nas/core/mutable_tree.h"

namespace nas {
namespace {

// Parameters and buffers by full name.
std::map<std::string, at::Tensor> NamedTensors(const torch::nn::Module& model) {
  std::map<std::string, at::Tensor> tensors;
  for (const auto& p : model.named_parameters(/*recurse=*/true)) tensors[p.key()] = p.value();
  for (const auto& b : model.named_buffers(/*recurse=*/true)) tensors[b.key()] = b.value();
  return tensors;
}

absl::Status CopyInto(std::map<std::string, at::Tensor>& targets,
                      const std::map<std::string, at::Tensor>& sources, WeightLoad mode,
                      const std::string& source_name) {
  std::vector<std::string> missing, extra;
  for (const auto& [name, target] : targets) {
    auto it = sources.find(name);
    if (it == sources.end()) {
      missing.push_back(name);
      continue;
    }
    if (!target.sizes().equals(it->second.sizes())) {
      std::ostringstream msg;
      msg << source_name << ": '" << name << "' has shape " << it->second.sizes()
          << " but the model's has shape " << target.sizes()
          << " (a different architecture or model options?)";
      return absl::InvalidArgumentError(msg.str());
    }
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        source_name, " lacks ", missing.size(), " tensor(s) of the model, e.g. '", missing[0],
        "' (a checkpoint of a fixed child loaded into a supernet, or of another model?)"));
  }
  if (mode == WeightLoad::kExact) {
    for (const auto& [name, tensor] : sources) {
      if (!targets.count(name)) extra.push_back(name);
    }
    if (!extra.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          source_name, " has ", extra.size(), " tensor(s) the model lacks, e.g. '", extra[0],
          "'; to take a child's weights from a supernet use WeightLoad::kInheritFromSupernet"));
    }
  }
  at::NoGradGuard no_grad;
  for (auto& [name, target] : targets) target.copy_(sources.at(name));
  return absl::OkStatus();
}

// Archive keys may not contain '.', module paths always do.
std::string EncodeName(std::string name) {
  std::replace(name.begin(), name.end(), '.', '/');
  return name;
}

std::string DecodeName(std::string name) {
  std::replace(name.begin(), name.end(), '/', '.');
  return name;
}

}  // namespace

absl::Status ApplyFixedArchitecture(torch::nn::Module& model, const Architecture& arch) {
  NAS_ASSIGN_OR_RETURN(MutableTree tree, WalkMutables(model));
  for (const auto& [path, m] : tree.mutables) {
    if (m->mutator() != nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot fix '", m->key(), "': the model is bound to a mutator; use a fresh model"));
    }
    if (m->is_fixed()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the model already has a fixed architecture (mutable '", m->key(),
                       "'); apply an architecture to a fresh model"));
    }
  }
  NAS_ASSIGN_OR_RETURN(Decisions decisions, arch.resolve(tree.space));
  for (const auto& [path, m] : tree.mutables) {
    if (m->kind() == MutableKind::kScope) continue;
    MutableAccess::fix(*m, decisions.at(m->key()));
  }
  return absl::OkStatus();
}

void apply_fixed_architecture(const std::shared_ptr<torch::nn::Module>& model,
                              const Architecture& arch) {
  TORCH_CHECK(model != nullptr, "apply_fixed_architecture: null model");
  absl::Status status = ApplyFixedArchitecture(*model, arch);
  TORCH_CHECK(status.ok(), std::string(status.message()));
}

void WriteWeights(torch::serialize::OutputArchive& archive, const torch::nn::Module& model) {
  for (const auto& [name, tensor] : NamedTensors(model)) {
    archive.write(EncodeName(name), tensor.detach().cpu());
  }
}

absl::Status ReadWeights(torch::serialize::InputArchive& archive, torch::nn::Module& model,
                         WeightLoad mode, const std::string& source_name) {
  std::map<std::string, at::Tensor> sources;
  absl::Status read = CatchExceptions([&] {
    for (const auto& key : archive.keys()) {
      at::Tensor t;
      if (archive.try_read(key, t)) sources[DecodeName(key)] = t;
    }
    return absl::OkStatus();
  });
  if (!read.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        source_name, ": unreadable weights: ", std::string(read.message()).substr(0, 200)));
  }
  std::map<std::string, at::Tensor> targets = NamedTensors(model);
  return CopyInto(targets, sources, mode, source_name);
}

absl::Status SaveWeights(const torch::nn::Module& model, const std::string& path) {
  return CatchExceptions([&]() -> absl::Status {
    torch::serialize::OutputArchive archive;
    WriteWeights(archive, model);
    std::ostringstream out;
    archive.save_to(out);
    return WriteVerifiedFile(path, out.str());
  });
}

absl::Status LoadWeights(torch::nn::Module& model, const std::string& path, WeightLoad mode) {
  if (!FileExists(path)) return absl::NotFoundError(absl::StrCat("no weights file ", path));
  NAS_ASSIGN_OR_RETURN(std::string bytes, ReadVerifiedFile(path));
  torch::serialize::InputArchive archive;
  absl::Status opened = CatchExceptions([&] {
    std::istringstream in(bytes);
    archive.load_from(in);
    return absl::OkStatus();
  });
  if (!opened.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not a readable weights file (corrupt or truncated?): ",
                     std::string(opened.message()).substr(0, 200)));
  }
  return ReadWeights(archive, model, mode, path);
}

absl::Status InheritWeights(torch::nn::Module& child, const torch::nn::Module& supernet) {
  std::map<std::string, at::Tensor> targets = NamedTensors(child);
  return CopyInto(targets, NamedTensors(supernet), WeightLoad::kInheritFromSupernet, "supernet");
}

}  // namespace nas
