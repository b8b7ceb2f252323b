#include "algorithms/enas/enas_mutator.h"

#include <cmath>
#include <set>
#include <sstream>

#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/rnn.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "nas/base/status.h"

namespace nas::enas {

absl::Status EnasMutatorOptionsFromJson(const Json& j, const std::string& path,
                                        EnasMutatorOptions* out) {
  JsonObjectReader r(j, path);
  r.Optional("lstm_size", &out->lstm_size)
      .Optional("tanh_constant", &out->tanh_constant)
      .Optional("temperature", &out->temperature)
      .Optional("skip_target", &out->skip_target)
      .Optional("cell_exit_extra_step", &out->cell_exit_extra_step)
      .Optional("seed", &out->seed);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (out->lstm_size < 1)
    return absl::InvalidArgumentError(absl::StrCat(path, ".lstm_size must be >= 1"));
  if (out->tanh_constant < 0 || out->temperature < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": tanh_constant and temperature must be >= 0 (0 = off)"));
  }
  if (!(out->skip_target > 0 && out->skip_target < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".skip_target must be in (0, 1)"));
  }
  return absl::OkStatus();
}

Json EnasMutatorOptionsToJson(const EnasMutatorOptions& o) {
  return {{"lstm_size", o.lstm_size},
          {"tanh_constant", o.tanh_constant},
          {"temperature", o.temperature},
          {"skip_target", o.skip_target},
          {"cell_exit_extra_step", o.cell_exit_extra_step},
          {"seed", o.seed}};
}

EnasControllerImpl::EnasControllerImpl(int64_t lstm_size,
                                       const std::vector<int64_t>& layer_choice_sizes,
                                       uint64_t seed)
    : lstm_size_(lstm_size) {
  lstm_ = register_module("lstm", torch::nn::LSTMCell(lstm_size, lstm_size));
  g_emb_ = register_parameter("g_emb", torch::zeros({1, lstm_size}));
  for (int64_t n : std::set<int64_t>(layer_choice_sizes.begin(), layer_choice_sizes.end())) {
    decoders_.emplace(
        n, register_module(absl::StrCat("decoder_", n),
                           torch::nn::Linear(torch::nn::LinearOptions(lstm_size, n).bias(false))));
    embeddings_.emplace(
        n, register_module(absl::StrCat("embedding_", n), torch::nn::Embedding(n, lstm_size)));
  }
  auto linear = [&](const char* name, int64_t out) {
    return register_module(name,
                           torch::nn::Linear(torch::nn::LinearOptions(lstm_size, out).bias(false)));
  };
  attn_anchor_ = linear("attn_anchor", lstm_size);
  attn_query_ = linear("attn_query", lstm_size);
  v_attn_ = linear("v_attn", 1);
  // Every parameter uniform in [-0.1, 0.1] (the authors' initializer), from
  // our own generator: the global torch generator is left alone.
  std::mt19937_64 rng(seed ^ 0xe7a5c0de5eedULL);
  std::uniform_real_distribution<float> uniform(-0.1f, 0.1f);
  torch::NoGradGuard no_grad;
  for (auto& p : parameters()) {
    std::vector<float> values(p.numel());
    for (auto& v : values) v = uniform(rng);
    p.copy_(torch::from_blob(values.data(), p.sizes(), torch::kFloat).clone());
  }
}

namespace {

// The source label of input `j` of a choice: its key, or a positional label
// for inputs without one.
std::string SourceLabel(const std::string& source, size_t j) {
  return source.empty() ? absl::StrCat("#input", j) : source;
}

int64_t SampleCategorical(const at::Tensor& probs, std::mt19937_64& rng) {
  at::Tensor p = probs.detach().to(at::kCPU, at::kDouble).contiguous();
  const double* data = p.data_ptr<double>();
  const int64_t n = p.numel();
  double u = std::uniform_real_distribution<double>(0, 1)(rng), acc = 0;
  for (int64_t i = 0; i < n; ++i) {
    acc += data[i];
    if (u < acc) return i;
  }
  for (int64_t i = n - 1; i >= 0; --i) {
    if (data[i] > 0) return i;  // rounding: the last possible candidate
  }
  return n - 1;
}

std::vector<bool> MaskToBools(const at::Tensor& mask) {
  at::Tensor m = mask.to(at::kCPU);
  m = m.scalar_type() == at::kBool ? m : m.ne(0);
  std::vector<bool> out(m.numel());
  for (int64_t i = 0; i < m.numel(); ++i) out[i] = m[i].item<bool>();
  return out;
}

}  // namespace

EnasMutator::EnasMutator(std::shared_ptr<torch::nn::Module> model, EnasMutatorOptions options)
    : Mutator(std::move(model)), options_(options), rng_(options.seed) {
  TORCH_CHECK(options_.lstm_size >= 1, "EnasMutator: lstm_size must be >= 1");
  TORCH_CHECK(options_.tanh_constant >= 0 && options_.temperature >= 0,
              "EnasMutator: tanh_constant and temperature must be >= 0");
  TORCH_CHECK(options_.skip_target > 0 && options_.skip_target < 1,
              "EnasMutator: skip_target must be in (0, 1)");
  std::vector<int64_t> sizes;
  for (const ChoiceSpec& spec : search_space().choices()) {
    if (spec.kind == MutableKind::kLayerChoice) {
      TORCH_CHECK(spec.size() >= 1, "EnasMutator: layer choice '", spec.key, "' has no candidates");
      sizes.push_back(spec.size());
    }
  }
  controller_ = EnasController(options_.lstm_size, sizes, options_.seed);
}

std::vector<at::Tensor> EnasMutator::parameters() const { return controller_->parameters(); }

void EnasMutator::to(const at::Device& device) { controller_->to(device); }

Decisions EnasMutator::sample_search() { return walk(Mode::kSample, nullptr); }

Decisions EnasMutator::sample_final() {
  torch::NoGradGuard no_grad;
  at::Tensor lp = sample_log_prob_, en = sample_entropy_, sp = sample_skip_penalty_;
  Decisions d = walk(Mode::kGreedy, nullptr);
  sample_log_prob_ = lp;
  sample_entropy_ = en;
  sample_skip_penalty_ = sp;
  return d;
}

at::Tensor EnasMutator::log_prob(const Decisions& decisions) {
  walk(Mode::kForced, &decisions);
  return sample_log_prob_;
}

Decisions EnasMutator::walk(Mode mode, const Decisions* forced) {
  EnasControllerImpl& ctl = *controller_;
  const at::TensorOptions float_options = ctl.g_emb().options();
  at::Tensor h = torch::zeros({1, ctl.lstm_size()}, float_options);
  at::Tensor c = torch::zeros({1, ctl.lstm_size()}, float_options);
  at::Tensor inputs = ctl.g_emb();
  at::Tensor log_prob = torch::zeros({}, float_options);
  at::Tensor entropy = torch::zeros({}, float_options);
  at::Tensor skip_penalty = torch::zeros({}, float_options);
  std::map<std::string, at::Tensor> anchors;
  Decisions out;

  auto step = [&] { std::tie(h, c) = ctl.lstm()->forward(inputs, std::make_tuple(h, c)); };
  auto shape = [&](at::Tensor logits) {
    if (options_.temperature > 0) logits = logits / options_.temperature;
    if (options_.tanh_constant > 0) logits = options_.tanh_constant * torch::tanh(logits);
    return logits;
  };
  auto forced_mask = [&](const std::string& key, int64_t n) {
    auto it = forced->find(key);
    TORCH_CHECK(it != forced->end(), "EnasMutator::log_prob: no decision for '", key, "'");
    TORCH_CHECK(it->second.dim() == 1 && it->second.numel() == n,
                "EnasMutator::log_prob: the decision for '", key, "' must have ", n, " entries");
    return MaskToBools(it->second);
  };

  auto layer_choice = [&](const ChoiceSpec& spec) {
    step();
    const int64_t n = spec.size();
    at::Tensor logits = shape(ctl.decoder(n)->forward(h)).view({n});
    at::Tensor log_softmax = torch::log_softmax(logits, 0);
    int64_t index = 0;
    if (mode == Mode::kSample) {
      index = SampleCategorical(log_softmax.exp(), rng_);
    } else if (mode == Mode::kGreedy) {
      index = logits.argmax().item<int64_t>();
    } else {
      std::vector<bool> m = forced_mask(spec.key, n);
      int64_t count = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (m[i]) {
          index = i;
          ++count;
        }
      }
      TORCH_CHECK(count == 1, "EnasMutator::log_prob: layer choice '", spec.key,
                  "' must select exactly one candidate, not ", count);
    }
    log_prob = log_prob + log_softmax[index];
    entropy = entropy - (log_softmax.exp() * log_softmax).sum();
    inputs = ctl.embedding(n)->forward(
        torch::full({1}, index, torch::dtype(torch::kLong).device(h.device())));
    at::Tensor mask = torch::zeros({n}, torch::kBool);
    mask[index] = true;
    return mask;
  };

  auto input_choice = [&](const ChoiceSpec& spec) {
    const int64_t n = spec.size();
    std::vector<at::Tensor> candidates;
    for (int64_t j = 0; j < n; ++j) {
      std::string label = SourceLabel(spec.candidates[j], j);
      if (anchors.count(label) == 0) {
        step();
        anchors[label] = h;
      }
      candidates.push_back(anchors[label]);
    }
    step();
    at::Tensor mask = torch::zeros({n}, torch::kBool);
    if (n == 0) return mask;
    at::Tensor stacked = torch::cat(candidates, 0);  // {n, H}
    at::Tensor query =
        torch::tanh(ctl.attn_anchor()->forward(stacked) + ctl.attn_query()->forward(h));
    at::Tensor scores = shape(ctl.v_attn()->forward(query).view({n}));
    std::vector<int64_t> chosen;
    if (!spec.n_chosen.has_value()) {
      // Independent skips: p_j = sigmoid(score_j).
      at::Tensor log_p = torch::log_sigmoid(scores), log_q = torch::log_sigmoid(-scores);
      at::Tensor p = log_p.exp();
      std::vector<bool> on(n, false);
      if (mode == Mode::kSample) {
        at::Tensor pd = p.detach().to(at::kCPU, at::kDouble).contiguous();
        for (int64_t j = 0; j < n; ++j)
          on[j] = std::uniform_real_distribution<double>(0, 1)(rng_) < pd[j].item<double>();
      } else if (mode == Mode::kGreedy) {
        for (int64_t j = 0; j < n; ++j) on[j] = scores[j].item<double>() > 0;
      } else {
        on = forced_mask(spec.key, n);
      }
      at::Tensor z = torch::zeros({n}, float_options);
      for (int64_t j = 0; j < n; ++j) {
        if (on[j]) {
          z[j] = 1.0;
          chosen.push_back(j);
        }
      }
      log_prob = log_prob + (z * log_p + (1 - z) * log_q).sum();
      entropy = entropy - (p * log_p + (1 - p) * log_q).sum();
      const double t = options_.skip_target;
      skip_penalty =
          skip_penalty + (p * (log_p - std::log(t)) + (1 - p) * (log_q - std::log(1 - t))).sum();
      inputs = torch::matmul(z.view({1, n}), stacked) / (1.0 + static_cast<double>(chosen.size()));
    } else {
      const int64_t k = *spec.n_chosen;
      std::vector<int64_t> order;
      if (mode == Mode::kForced) {
        std::vector<bool> m = forced_mask(spec.key, n);
        for (int64_t j = 0; j < n; ++j) {
          if (m[j]) order.push_back(j);  // increasing index = the draw order
        }
        TORCH_CHECK(static_cast<int64_t>(order.size()) == k,
                    "EnasMutator::log_prob: input choice '", spec.key, "' must select ", k,
                    " inputs, not ", order.size());
      }
      at::Tensor taken = torch::zeros({n}, torch::kBool);
      for (int64_t d = 0; d < k; ++d) {
        at::Tensor masked = scores.masked_fill(taken.clone().to(scores.device()),
                                               -std::numeric_limits<double>::infinity());
        at::Tensor log_softmax = torch::log_softmax(masked, 0);
        int64_t index;
        if (mode == Mode::kSample) {
          index = SampleCategorical(log_softmax.exp(), rng_);
        } else if (mode == Mode::kGreedy) {
          index = masked.argmax().item<int64_t>();
        } else {
          index = order[d];
        }
        log_prob = log_prob + log_softmax[index];
        // 0 * log 0 = 0 for the inputs already drawn (log 0 replaced by 0
        // so that the gradient stays finite).
        at::Tensor drawn = taken.clone().to(scores.device());
        entropy = entropy - (log_softmax.exp() * log_softmax.masked_fill(drawn, 0)).sum();
        taken[index] = true;
        chosen.push_back(index);
      }
      if (chosen.empty()) {
        inputs = torch::zeros({1, ctl.lstm_size()}, float_options);
      } else {
        std::vector<at::Tensor> picked;
        for (int64_t j : chosen) picked.push_back(candidates[j]);
        inputs = torch::cat(picked, 0).mean(0, /*keepdim=*/true);
      }
    }
    for (int64_t j : chosen) mask[j] = true;
    return mask;
  };

  // Definition order; a scope's anchor is taken when the walk leaves it
  // (the first mutable outside its path, or the end).
  std::vector<std::pair<std::string, const Mutable*>> open_scopes;
  auto close_scope = [&] {
    const std::string key = open_scopes.back().second->key();
    open_scopes.pop_back();
    if (anchors.count(key) != 0) return;
    if (options_.cell_exit_extra_step) step();
    anchors[key] = h;
  };
  for (const auto& [path, m] : all_mutables()) {
    while (!open_scopes.empty() && path.rfind(open_scopes.back().first + ".", 0) != 0)
      close_scope();
    if (m->kind() == MutableKind::kScope) {
      open_scopes.emplace_back(path, m);
      continue;
    }
    const std::string& key = m->key();
    if (out.count(key) != 0) continue;
    const ChoiceSpec* spec = search_space().find(key);
    TORCH_CHECK(spec != nullptr, "EnasMutator: '", key, "' is not in the search space");
    out[key] = spec->kind == MutableKind::kLayerChoice ? layer_choice(*spec) : input_choice(*spec);
    if (anchors.count(key) == 0) anchors[key] = h;
  }
  while (!open_scopes.empty()) close_scope();
  sample_log_prob_ = log_prob;
  sample_entropy_ = entropy;
  sample_skip_penalty_ = skip_penalty;
  return out;
}

void EnasMutator::save(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive controller;
  controller_->save(controller);
  archive.write("enas_mutator.controller", controller);
  std::ostringstream state;
  state << rng_;
  archive.write("enas_mutator.rng", c10::IValue(state.str()));
}

void EnasMutator::load(torch::serialize::InputArchive& archive) {
  torch::serialize::InputArchive controller;
  archive.read("enas_mutator.controller", controller);
  controller_->load(controller);
  c10::IValue value;
  archive.read("enas_mutator.rng", value);
  std::istringstream state(value.toStringRef());
  state >> rng_;
  TORCH_CHECK(!state.fail(), "corrupt enas_mutator.rng state in checkpoint");
}

}  // namespace nas::enas
