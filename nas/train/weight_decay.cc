#include "nas/train/weight_decay.h"

#include <set>

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include "absl/strings/str_cat.h"

namespace nas {
namespace {

bool IsConvOrLinear(const torch::nn::Module& m) {
  return m.as<torch::nn::Conv1d>() != nullptr || m.as<torch::nn::Conv2d>() != nullptr ||
         m.as<torch::nn::Conv3d>() != nullptr || m.as<torch::nn::Linear>() != nullptr;
}

}  // namespace

std::vector<std::string> ConvAndLinearWeightNames(const torch::nn::Module& model) {
  std::set<std::string> weights;
  for (const auto& item : model.named_modules(/*name_prefix=*/"", /*include_self=*/true)) {
    if (IsConvOrLinear(*item.value()) && item.value()->named_parameters(false).contains("weight")) {
      weights.insert(item.key().empty() ? "weight" : absl::StrCat(item.key(), ".weight"));
    }
  }
  std::vector<std::string> names;
  for (const auto& p : model.named_parameters()) {
    if (weights.count(p.key())) names.push_back(p.key());
  }
  return names;
}

WeightDecayGroups SplitForWeightDecay(const torch::nn::Module& model) {
  std::vector<std::string> decayed = ConvAndLinearWeightNames(model);
  std::set<std::string> decay_set(decayed.begin(), decayed.end());
  WeightDecayGroups groups;
  for (const auto& p : model.named_parameters()) {
    (decay_set.count(p.key()) ? groups.decay : groups.no_decay).push_back(p.value());
  }
  return groups;
}

}  // namespace nas
