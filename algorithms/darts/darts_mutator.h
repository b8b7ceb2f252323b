// DartsMutator: the continuous relaxation of DARTS (Liu et al., ICLR 2019).
//
// One architecture-weight vector alpha per layer-choice key (initialised
// init_scale * randn from the mutator's seed), trained by the architecture
// optimizer (DartsTrainer). Keys shared by several layer choices (all
// cells of a type) share one alpha.
//
//   sample_search(): layer choice -> softmax(alpha) (a float mask: every
//                    candidate runs, weighted, and the weights carry alpha's
//                    gradient; detached with set_detach_weights(true), for
//                    the weight step);
//                    input choice -> all ones (every input kept).
//   sample_final():  the genotype rule. An input choice whose sources are
//                    layer choices keeps its n_chosen strongest sources
//                    (strength = the largest softmax weight of a candidate
//                    other than "none"); on a kept edge, the best candidate
//                    other than "none" (one-hot); an edge not kept selects
//                    nothing. A layer choice no input choice draws from gets
//                    its best non-"none" candidate. An input choice whose
//                    sources are not layer choices keeps its first n_chosen
//                    inputs (all when n_chosen is unset).
//
// project(key, i) pins a layer choice to candidate i for good (DARTS-PT's
// projection, perturbation.h): sample_search() gives it a one-hot weight
// and sample_final() exports candidate i, "none" included when no input
// choice draws from it; an input choice then ranks a projected edge by its
// one-hot weight. Projections are kept in checkpoints.
//
// Under data parallelism the alphas start equal (same seed) and stay equal
// as long as their gradients are averaged (Trainer::step does).
//
// Example:
//   nas::darts::DartsMutator mutator(net, /*seed=*/0);
//   torch::optim::Adam adam(mutator.parameters(), ...);
//   mutator.reset();   // softmax weights of the current alphas
//   loss(net->forward(x_valid)).backward();   // gradients reach the alphas
//   nas::Architecture arch = mutator.export_architecture();
#ifndef ALGORITHMS_DARTS_DARTS_MUTATOR_H_
#define ALGORITHMS_DARTS_DARTS_MUTATOR_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "nas/core/mutator.h"

namespace nas::darts {

class DartsMutator : public Mutator {
 public:
  DartsMutator(std::shared_ptr<torch::nn::Module> model, uint64_t seed = 0,
               double init_scale = 1e-3);
  template <typename M>
  DartsMutator(const torch::nn::ModuleHolder<M>& model, uint64_t seed = 0, double init_scale = 1e-3)
      : DartsMutator(std::static_pointer_cast<torch::nn::Module>(model.ptr()), seed, init_scale) {}

  Decisions sample_search() override;
  // The mixed operation: SelectAndReduce's weighted sum without running
  // "none" (it outputs zeros: it adds nothing, and its weight keeps its
  // place in the softmax). Same values and gradients as running it.
  ChoiceOutput on_forward_layer_choice(LayerChoiceImpl& choice, const CandidateFn& run) override;
  Decisions sample_final() override;

  // The alphas, in search-space order (requires_grad).
  std::vector<at::Tensor> parameters() const override;
  const std::map<std::string, at::Tensor>& alphas() const { return alphas_; }
  // softmax(alpha) per layer-choice key, detached.
  std::map<std::string, at::Tensor> softmax_weights() const;

  // Pins `key` to candidate `index` (see above); throws c10::Error for an
  // unknown key or an index out of range.
  void project(const std::string& key, int64_t index);
  const std::map<std::string, int64_t>& projected() const { return projected_; }

  // sample_search() detaches the weights from the alphas (no graph to the
  // alphas: the weight step does not need one).
  void set_detach_weights(bool detach) { detach_ = detach; }

  void to(const at::Device& device) override;
  void save(torch::serialize::OutputArchive& archive) const override;
  // Throws c10::Error naming a missing or mis-shaped alpha.
  void load(torch::serialize::InputArchive& archive) override;

 private:
  // softmax_weights() with projected keys one-hot.
  std::map<std::string, at::Tensor> export_weights() const;

  std::map<std::string, at::Tensor> alphas_;
  std::vector<std::string> order_;  // layer-choice keys in search-space order
  std::map<std::string, int64_t> projected_;
  bool detach_ = false;
};

}  // namespace nas::darts

#endif  // ALGORITHMS_DARTS_DARTS_MUTATOR_H_
