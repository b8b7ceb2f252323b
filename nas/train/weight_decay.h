// Weight decay on convolution and fully-connected weights only, not on
// BatchNorm parameters or biases: the rule of the SPOS authors' code and of
// most ImageNet recipes ("no bias decay"). Works on any model: a supernet, a
// fixed child or a plain LibTorch network.
//
//   nas::WeightDecayGroups groups = nas::SplitForWeightDecay(*model);
//   std::vector<torch::optim::OptimizerParamGroup> param_groups;
//   param_groups.emplace_back(groups.decay, sgd_options_with(weight_decay));
//   param_groups.emplace_back(groups.no_decay, sgd_options_with(0));
#ifndef NAS_TRAIN_WEIGHT_DECAY_H_
#define NAS_TRAIN_WEIGHT_DECAY_H_

#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "nas/core/torch_fwd.h"

namespace nas {

// Full dotted names of the weights of every Conv1d/2d/3d and Linear module,
// in named_parameters() order.
std::vector<std::string> ConvAndLinearWeightNames(const torch::nn::Module& model);

struct WeightDecayGroups {
  std::vector<at::Tensor> decay;     // conv and FC weights
  std::vector<at::Tensor> no_decay;  // everything else (BN, biases)
};
WeightDecayGroups SplitForWeightDecay(const torch::nn::Module& model);

}  // namespace nas

#endif  // NAS_TRAIN_WEIGHT_DECAY_H_
