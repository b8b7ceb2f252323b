// EnasMutator: the ENAS controller (Pham et al., "Efficient Neural
// Architecture Search via Parameter Sharing", ICML 2018, arXiv 1802.03268),
// an LSTM that samples every decision of a search space in definition
// order and records the log-probability and entropy of what it sampled.
//
//   inputs_0 = g_emb (learned)            one LSTM step per decision:
//   (h, c)   = LSTMCell(inputs, (h, c))
//
//   LayerChoice (n candidates):  logits = decoder_n(h)
//       logits = tanh_constant * tanh(logits / temperature)
//       op ~ softmax(logits);  next inputs = embedding_n(op)
//   InputChoice over sources s_1..s_m (anchors a_j: the h at the exit of
//   the scope / after the decision named s_j; sources without one ("",
//   or not yet seen) get an anchor from one extra LSTM step):
//       score_j = v^T tanh(W1 a_j + W2 h), shaped like the logits above
//       n_chosen unset: each j on with p_j = sigmoid(score_j), independent;
//                       skip penalty += KL(Bernoulli(p_j) || Bernoulli(skip_target))
//                       next inputs = sum of chosen a_j / (1 + #chosen)
//       n_chosen = k:   k draws without replacement from softmax(scores)
//                       next inputs = mean of the chosen a_j
//
// One decoder and one embedding per candidate count (not one global size):
// layer choices with different numbers of candidates work, and equal-size
// choices share them as in the authors' code. Mutables that share a key are
// sampled once. After every sample_search(), sample_log_prob() (a scalar
// with gradient wrt the controller), sample_entropy() (the exact entropy of
// each decision's distribution, summed; also differentiable) and
// sample_skip_penalty() hold the sample's statistics, as in NNI.
//
// sample_final() is the greedy (most likely) architecture: the argmax op,
// the inputs with p_j > 0.5, the top-k scores. It uses no randomness and
// changes nothing. Picking the best of N samples on validation data is the
// trainer's export (enas_trainer.h).
//
// | option              | default | meaning                                  |
// |---------------------|---------|------------------------------------------|
// | lstm_size           | 64      | hidden units (authors' code 64, paper 100)|
// | tanh_constant       | 1.5     | logit range; 0 = off (NNI micro: 1.1)    |
// | temperature         | 0       | logits / T before tanh; 0 = off          |
// | skip_target         | 0.4     | target probability of a skip, (0, 1)     |
// | cell_exit_extra_step| false   | one more LSTM step at each scope's exit  |
// |                     |         | before its anchor is taken (NNI micro)   |
// | seed                | 0       | the sampling generator and the init      |
//
// Example:
//   EnasMutator mutator(model, EnasMutatorOptions());
//   torch::optim::Adam adam(mutator.parameters(), torch::optim::AdamOptions(3.5e-4));
//   mutator.reset();                                  // sample
//   double reward = Accuracy(model->forward(x), y);
//   at::Tensor loss = -mutator.sample_log_prob() * (reward - baseline);
//   loss.backward(); adam.step();
#ifndef ALGORITHMS_ENAS_ENAS_CORE_MUTATOR_H_
#define ALGORITHMS_ENAS_ENAS_CORE_MUTATOR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>

#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/rnn.h>

#include "absl/status/status.h"
#include "nas/base/json.h"
#include "nas/core/mutator.h"

namespace nas::enas {

struct EnasMutatorOptions {
  int64_t lstm_size = 64;
  double tanh_constant = 1.5;
  double temperature = 0;
  double skip_target = 0.4;
  bool cell_exit_extra_step = false;
  uint64_t seed = 0;
};

absl::Status EnasMutatorOptionsFromJson(const Json& j, const std::string& path,
                                        EnasMutatorOptions* out);
Json EnasMutatorOptionsToJson(const EnasMutatorOptions& options);

// The controller's parameters as a module (saved, moved and optimised as
// one). Its decoders and embeddings are created per candidate count.
class EnasControllerImpl : public torch::nn::Module {
 public:
  EnasControllerImpl(int64_t lstm_size, const std::vector<int64_t>& layer_choice_sizes,
                     uint64_t seed);

  torch::nn::LSTMCell& lstm() { return lstm_; }
  const at::Tensor& g_emb() const { return g_emb_; }
  // Decoder (hidden -> n logits, no bias) and embedding (n -> hidden).
  torch::nn::Linear& decoder(int64_t n) { return decoders_.at(n); }
  torch::nn::Embedding& embedding(int64_t n) { return embeddings_.at(n); }
  torch::nn::Linear& attn_anchor() { return attn_anchor_; }
  torch::nn::Linear& attn_query() { return attn_query_; }
  torch::nn::Linear& v_attn() { return v_attn_; }
  int64_t lstm_size() const { return lstm_size_; }

 private:
  int64_t lstm_size_;
  torch::nn::LSTMCell lstm_{nullptr};
  at::Tensor g_emb_;
  std::map<int64_t, torch::nn::Linear> decoders_;
  std::map<int64_t, torch::nn::Embedding> embeddings_;
  torch::nn::Linear attn_anchor_{nullptr}, attn_query_{nullptr}, v_attn_{nullptr};
};
TORCH_MODULE(EnasController);

class EnasMutator : public Mutator {
 public:
  // Throws c10::Error (like a LibTorch module with bad options) for options
  // out of range.
  EnasMutator(std::shared_ptr<torch::nn::Module> model, EnasMutatorOptions options = {});
  template <typename M>
  EnasMutator(const torch::nn::ModuleHolder<M>& model, EnasMutatorOptions options = {})
      : EnasMutator(std::static_pointer_cast<torch::nn::Module>(model.ptr()), options) {}

  Decisions sample_search() override;
  Decisions sample_final() override;

  // The log-probability of `decisions` under the current controller (with
  // gradient), walking the space as sampling does (teacher forcing). Also
  // sets the sample statistics. Throws naming the key for a decision the
  // controller could not have produced (a layer choice selecting not
  // exactly one candidate, a wrong count for n_chosen).
  at::Tensor log_prob(const Decisions& decisions);

  const at::Tensor& sample_log_prob() const { return sample_log_prob_; }
  const at::Tensor& sample_entropy() const { return sample_entropy_; }
  const at::Tensor& sample_skip_penalty() const { return sample_skip_penalty_; }

  std::vector<at::Tensor> parameters() const override;
  void to(const at::Device& device) override;
  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

  const EnasMutatorOptions& options() const { return options_; }
  EnasController& controller() { return controller_; }

 private:
  enum class Mode { kSample, kGreedy, kForced };
  Decisions walk(Mode mode, const Decisions* forced);

  EnasMutatorOptions options_;
  EnasController controller_{nullptr};
  std::mt19937_64 rng_;
  at::Tensor sample_log_prob_, sample_entropy_, sample_skip_penalty_;
};

}  // namespace nas::enas

#endif  // ALGORITHMS_ENAS_ENAS_CORE_MUTATOR_H_
