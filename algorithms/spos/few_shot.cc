#include "algorithms/spos/few_shot.h"

#include <memory>
#include <utility>
#include <vector>

#include <torch/nn/module.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "nas/base/file.h"
#include "nas/base/status.h"
#include "nas/core/architecture.h"
#include "nas/core/mutable_tree.h"
#include "nas/jobs/supernet_job.h"
#include "nas/train/supernet_evaluator.h"

namespace nas::spos {

absl::Status FewShotOptionsFromJson(const Json& j, const std::string& path, FewShotOptions* out) {
  JsonObjectReader r(j, path);
  r.Optional("split", &out->split).Optional("split_epochs", &out->split_epochs);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (!(out->split_epochs >= 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat(JsonChildPath(path, "split_epochs"), " must be >= 0 (0 = the default)"));
  }
  return absl::OkStatus();
}

Json FewShotOptionsToJson(const FewShotOptions& o) {
  return {{"split", o.split}, {"split_epochs", o.split_epochs}};
}

namespace {

// Name -> tensor of every parameter and buffer.
std::map<std::string, at::Tensor> NamedState(const torch::nn::Module& module) {
  std::map<std::string, at::Tensor> state;
  for (const auto& item : module.named_parameters()) state[item.key()] = item.value();
  for (const auto& item : module.named_buffers()) state[item.key()] = item.value();
  return state;
}

}  // namespace

absl::Status CopySupernetWeights(const torch::nn::Module& from, torch::nn::Module& to) {
  std::map<std::string, at::Tensor> source = NamedState(from), target = NamedState(to);
  for (const auto& [name, tensor] : target) {
    auto found = source.find(name);
    if (found == source.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("copying supernet weights: the source has no '", name, "'"));
    }
    if (found->second.sizes() != tensor.sizes()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "copying supernet weights: '", name, "' has shape ", c10::str(found->second.sizes()),
          " in the source but ", c10::str(tensor.sizes()), " in the copy"));
    }
  }
  for (const auto& [name, tensor] : source) {
    if (target.count(name) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("copying supernet weights: the copy has no '", name, "'"));
    }
  }
  torch::NoGradGuard no_grad;
  for (auto& [name, tensor] : target) tensor.copy_(source.at(name));
  return absl::OkStatus();
}

absl::StatusOr<std::string> FewShotSplitKey(const SearchSpace& space, const std::string& split) {
  for (const ChoiceSpec& spec : space.choices()) {
    if (spec.kind != MutableKind::kLayerChoice) continue;
    if (split.empty() || spec.key == split) return spec.key;
  }
  if (split.empty()) {
    return absl::InvalidArgumentError("few-shot: the space has no layer choice to split on");
  }
  return absl::InvalidArgumentError(absl::StrCat("few-shot: split '", split,
                                                 "' is not a layer choice of the space; its "
                                                 "choices are ",
                                                 space.key_list()));
}

namespace {

using SposSearch = BasicSupernetSearch<SposTrainer, SposTrainerOptions>;

SposSearch& Trained(const SupernetJobResult& result) {
  return static_cast<SposSearch&>(*result.search);
}

}  // namespace

absl::StatusOr<OneShotResult> FewShotSearch(const OneShotRequest& r,
                                            const SposTrainerOptions& optimizer,
                                            const SupernetSearchOptions& search,
                                            const FewShotOptions& few_shot) {
  if (r.output_dir.empty()) {
    return absl::InvalidArgumentError("few-shot: the request needs an output_dir");
  }
  NAS_RETURN_IF_ERROR(CheckSupernetSearchTuner(search));
  // The split is checked on the space before anything trains.
  NAS_ASSIGN_OR_RETURN(BuiltSpace probe, BuildSpace(r.space, r.space_options, r.seed));
  NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(*probe.model));
  NAS_ASSIGN_OR_RETURN(std::string split, FewShotSplitKey(space, few_shot.split));
  const Json config = {{"method", "few_shot_spos"}, {"options", r.options}};

  // 1. The one-shot supernet.
  SupernetJobOptions job = OneShotJobOptions(r);
  job.architecture_file = "";
  NAS_ASSIGN_OR_RETURN(SupernetJobResult one_shot,
                       RunSupernetJob(job, config, JoinPath(r.output_dir, "one_shot"), false,
                                      BasicSupernetFactory<SposTrainer>(optimizer)));
  const std::vector<std::string>& candidates = space.find(split)->candidates;
  const double split_epochs = few_shot.split_epochs > 0
                                  ? few_shot.split_epochs
                                  : r.epochs / static_cast<double>(candidates.size());

  // 2. A sub-supernet per candidate of the split, from the one-shot weights.
  std::shared_ptr<torch::nn::Module> parent = Trained(one_shot).space().model;
  std::vector<SupernetJobResult> subs;
  double sub_seconds = 0;
  for (size_t k = 0; k < candidates.size(); ++k) {
    SposTrainerOptions pinned = optimizer;
    pinned.sampling.fixed[split] = candidates[k];
    pinned.seed = optimizer.seed + 1 + k;
    SupernetJobOptions sub_job = OneShotJobOptions(r);
    sub_job.architecture_file = "";
    sub_job.seed = r.seed + 1 + k;  // its own batch order
    sub_job.budget_epochs = split_epochs;
    SupernetFactory factory =
        [&](SupernetInputs& in) -> absl::StatusOr<std::unique_ptr<SupernetSearch>> {
      NAS_RETURN_IF_ERROR(CopySupernetWeights(*parent, *in.space.model));
      return std::make_unique<SposSearch>(in, pinned);
    };
    NAS_ASSIGN_OR_RETURN(
        SupernetJobResult sub,
        Annotate(RunSupernetJob(sub_job, config, JoinPath(r.output_dir, "sub_" + candidates[k]),
                                false, factory),
                 absl::StrCat("sub-supernet ", split, "=", candidates[k])));
    sub_seconds += sub.seconds;
    subs.push_back(std::move(sub));
  }

  // 3. The search, each architecture on its candidate's sub-supernet.
  std::vector<std::unique_ptr<SupernetEvaluator>> evaluators;
  for (const SupernetJobResult& sub : subs) {
    SposSearch& s = Trained(sub);
    evaluators.push_back(
        std::make_unique<SupernetEvaluator>(s.space(), &s.algorithm_trainer().mutator(),
                                            s.train_loader(), s.valid_loader(), search.evaluation));
  }
  // Outlives the one-shot supernet's mutator (the result's scorer uses it).
  auto candidate_of = [space, split](const Architecture& arch) -> absl::StatusOr<size_t> {
    NAS_ASSIGN_OR_RETURN(Decisions decisions, arch.resolve(space));
    return static_cast<size_t>(decisions.at(split).to(at::kLong).argmax().item<int64_t>());
  };
  NAS_ASSIGN_OR_RETURN(SearchSummary summary,
                       SearchWithScorer(
                           search, space,
                           [&](const Architecture& arch) -> absl::StatusOr<CandidateScore> {
                             NAS_ASSIGN_OR_RETURN(size_t k, candidate_of(arch));
                             return evaluators[k]->evaluate(arch);
                           },
                           JoinPath(r.output_dir, "search"), false, r.seed));
  if (summary.best_trial < 0) {
    return absl::InternalError("few-shot: the search scored no architecture");
  }

  OneShotResult result;
  NAS_ASSIGN_OR_RETURN(result.architecture,
                       ArchitectureFromParameters(summary.best_parameters, space));
  std::vector<SupernetScorer> scorers;
  for (const SupernetJobResult& sub : subs) {
    NAS_ASSIGN_OR_RETURN(SupernetScorer scorer, MakeSupernetScorer(sub, r.scoring));
    scorers.push_back(std::move(scorer));
  }
  result.score = [scorers, candidate_of](const Architecture& arch) -> absl::StatusOr<double> {
    NAS_ASSIGN_OR_RETURN(size_t k, candidate_of(arch));
    return scorers[k](arch);
  };
  result.details = {{"split", split},
                    {"sub_supernets", candidates.size()},
                    {"split_epochs", split_epochs},
                    {"scored", summary.succeeded},
                    {"best_supernet_accuracy", summary.best_value},
                    {"supernet_seconds", one_shot.seconds},
                    {"sub_supernet_seconds", sub_seconds},
                    {"search_seconds", summary.elapsed_seconds}};
  return result;
}

}  // namespace nas::spos
