// The DARTS configuration: presets, strict reading, writing (config.h).
#include "algorithms/darts/config.h"

#include "absl/strings/str_cat.h"
#include "nas/base/status.h"

namespace nas::darts {

namespace {

DartsNetworkOptions Network(const std::string& preset) { return *DartsNetworkPreset(preset); }

// A network section: its own `preset` replaces the defaults, other members
// override them.
absl::Status NetworkFromJson(const Json& j, const std::string& path, DartsNetworkOptions* out) {
  if (!j.is_object()) return absl::InvalidArgumentError(absl::StrCat(path, ": expected an object"));
  Json merged = j.contains("preset") ? Json::object() : DartsNetworkOptionsToJson(*out);
  for (auto it = j.begin(); it != j.end(); ++it) merged[it.key()] = it.value();
  NAS_ASSIGN_OR_RETURN(*out, DartsNetworkOptionsFromJson(merged, path));
  return absl::OkStatus();
}

absl::Status SearchFromJson(const Json& j, const std::string& path, SearchOptions* o) {
  JsonObjectReader r(j, path);
  const Json* network = r.Member("network");
  const Json* trainer = r.Member("trainer");
  const Json* darts = r.Member("darts");
  const Json* perturbation = r.Member("perturbation");
  r.Optional("selection", &o->selection);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (o->selection != "alpha" && o->selection != "perturbation") {
    return absl::InvalidArgumentError(absl::StrCat(JsonChildPath(path, "selection"), ": '",
                                                   o->selection,
                                                   "' is not one of alpha, perturbation"));
  }
  if (perturbation)
    NAS_RETURN_IF_ERROR(PerturbationOptionsFromJson(
        *perturbation, JsonChildPath(path, "perturbation"), &o->perturbation));
  if (network)
    NAS_RETURN_IF_ERROR(NetworkFromJson(*network, JsonChildPath(path, "network"), &o->network));
  if (trainer)
    NAS_RETURN_IF_ERROR(
        TrainerOptionsFromJson(*trainer, JsonChildPath(path, "trainer"), &o->trainer));
  if (darts)
    NAS_RETURN_IF_ERROR(
        DartsTrainerOptionsFromJson(*darts, JsonChildPath(path, "darts"), &o->darts));
  return absl::OkStatus();
}

absl::Status RetrainFromJson(const Json& j, const std::string& path, RetrainOptions* o) {
  JsonObjectReader r(j, path);
  const Json* network = r.Member("network");
  const Json* trainer = r.Member("trainer");
  r.Optional("batch_size", &o->batch_size)
      .Optional("lr", &o->lr)
      .Optional("momentum", &o->momentum)
      .Optional("weight_decay", &o->weight_decay)
      .Optional("grad_clip", &o->grad_clip)
      .Optional("auxiliary_weight", &o->auxiliary_weight)
      .Optional("drop_path_prob", &o->drop_path_prob)
      .Optional("cutout", &o->cutout);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (network)
    NAS_RETURN_IF_ERROR(NetworkFromJson(*network, JsonChildPath(path, "network"), &o->network));
  if (trainer)
    NAS_RETURN_IF_ERROR(
        TrainerOptionsFromJson(*trainer, JsonChildPath(path, "trainer"), &o->trainer));
  if (o->batch_size < 1 || !(o->lr > 0) || o->momentum < 0 || o->weight_decay < 0 ||
      o->grad_clip < 0 || o->auxiliary_weight < 0 || o->cutout < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path,
                     ": batch_size >= 1, lr > 0, and momentum, weight_decay, grad_clip, "
                     "auxiliary_weight, cutout >= 0"));
  }
  if (!(o->drop_path_prob >= 0 && o->drop_path_prob < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".drop_path_prob must be in [0, 1)"));
  }
  return absl::OkStatus();
}

Json RetrainToJson(const RetrainOptions& o) {
  return {{"network", DartsNetworkOptionsToJson(o.network)},
          {"trainer", TrainerOptionsToJson(o.trainer)},
          {"batch_size", o.batch_size},
          {"lr", o.lr},
          {"momentum", o.momentum},
          {"weight_decay", o.weight_decay},
          {"grad_clip", o.grad_clip},
          {"auxiliary_weight", o.auxiliary_weight},
          {"drop_path_prob", o.drop_path_prob},
          {"cutout", o.cutout}};
}

absl::Status TrialFromJson(const Json& j, const std::string& path, TrialOptions* o) {
  JsonObjectReader r(j, path);
  const Json* network = r.Member("network");
  r.Optional("steps", &o->steps).Optional("lr", &o->lr).Optional("weight_decay", &o->weight_decay);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (network)
    NAS_RETURN_IF_ERROR(NetworkFromJson(*network, JsonChildPath(path, "network"), &o->network));
  if (o->steps < 1 || !(o->lr > 0) || o->weight_decay < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": steps >= 1, lr > 0, weight_decay >= 0"));
  }
  return absl::OkStatus();
}

absl::Status EvolutionFromJson(const Json& j, const std::string& path, EvolutionOptions* o) {
  JsonObjectReader r(j, path);
  r.Optional("population", &o->population)
      .Optional("sample_size", &o->sample_size)
      .Optional("max_trials", &o->max_trials)
      .Optional("max_duration", &o->max_duration)
      .Optional("parallel", &o->parallel);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (o->population < 2 || o->sample_size < 1 || o->sample_size > o->population ||
      o->max_trials < 1 || o->max_duration < 0 || o->parallel < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        path,
        ": population >= 2, 1 <= sample_size <= population, max_trials >= 1, parallel >= 1, "
        "max_duration >= 0"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DartsConfig> DartsPreset(const std::string& name) {
  DartsConfig c;
  c.preset = name;
  c.search.trainer.log_every = 20;
  c.search.trainer.checkpoint_every = 50;
  c.retrain.trainer.log_every = 50;
  c.retrain.trainer.checkpoint_every = 200;
  // The search's weights and architecture halves (data.train, data.valid).
  c.data.train_fraction = 0.5;
  if (name == "fashion_mnist") {
    c.data.train_examples = 2000;
    c.data.valid_examples = 2000;
    c.search.network = Network("search_fashion_mnist");
    c.search.trainer.epochs = 2;
    c.retrain.network = Network("eval_fashion_mnist");
    c.retrain.trainer.epochs = 3;
    c.retrain.batch_size = 96;
    c.retrain.cutout = 8;
    c.trial.network = Network("eval_fashion_mnist");
    c.trial.network.channels = 8;
    c.trial.network.layers = 5;
    c.trial.network.auxiliary = false;
    return c;
  }
  if (name == "paper") {
    c.data.dataset = "cifar10";
    c.search.network = Network("search_cifar10");
    c.search.trainer.epochs = 50;
    c.retrain.network = Network("eval_cifar10");
    c.retrain.trainer.epochs = 600;
    c.trial.network = Network("eval_cifar10");
    c.trial.network.channels = 16;
    c.trial.network.layers = 8;
    c.trial.network.auxiliary = false;
    c.trial.steps = 2000;
    c.evolution.population = 100;
    c.evolution.sample_size = 25;
    c.evolution.max_trials = 1000;
    return c;
  }
  return absl::NotFoundError(
      absl::StrCat("unknown DARTS preset '", name, "'; known: fashion_mnist, paper"));
}

absl::StatusOr<DartsConfig> DartsConfigFromJson(const Json& j, const std::string& source) {
  if (!j.is_object())
    return absl::InvalidArgumentError(absl::StrCat(source, ": expected a JSON object"));
  std::string preset = "fashion_mnist";
  if (j.contains("preset"))
    NAS_RETURN_IF_ERROR(JsonGet(j["preset"], JsonChildPath(source, "preset"), &preset));
  NAS_ASSIGN_OR_RETURN(DartsConfig c,
                       Annotate(DartsPreset(preset), JsonChildPath(source, "preset")));
  JsonObjectReader r(j, source);
  std::string unused;
  r.Optional("preset", &unused).Optional("seed", &c.seed);
  const Json* data = r.Member("data");
  const Json* search = r.Member("search");
  const Json* retrain = r.Member("retrain");
  const Json* trial = r.Member("trial");
  const Json* evolution = r.Member("evolution");
  NAS_RETURN_IF_ERROR(r.Finish());
  if (data) NAS_RETURN_IF_ERROR(DataOptionsFromJson(*data, JsonChildPath(source, "data"), &c.data));
  if (search)
    NAS_RETURN_IF_ERROR(SearchFromJson(*search, JsonChildPath(source, "search"), &c.search));
  if (retrain)
    NAS_RETURN_IF_ERROR(RetrainFromJson(*retrain, JsonChildPath(source, "retrain"), &c.retrain));
  if (trial) NAS_RETURN_IF_ERROR(TrialFromJson(*trial, JsonChildPath(source, "trial"), &c.trial));
  if (evolution)
    NAS_RETURN_IF_ERROR(
        EvolutionFromJson(*evolution, JsonChildPath(source, "evolution"), &c.evolution));
  return c;
}

Json DartsConfigToJson(const DartsConfig& c) {
  return {{"preset", c.preset},
          {"data", DataOptionsToJson(c.data)},
          {"search",
           {{"network", DartsNetworkOptionsToJson(c.search.network)},
            {"trainer", TrainerOptionsToJson(c.search.trainer)},
            {"darts", DartsTrainerOptionsToJson(c.search.darts)},
            {"selection", c.search.selection},
            {"perturbation", PerturbationOptionsToJson(c.search.perturbation)}}},
          {"retrain", RetrainToJson(c.retrain)},
          {"trial",
           {{"network", DartsNetworkOptionsToJson(c.trial.network)},
            {"steps", c.trial.steps},
            {"lr", c.trial.lr},
            {"weight_decay", c.trial.weight_decay}}},
          {"evolution",
           {{"population", c.evolution.population},
            {"sample_size", c.evolution.sample_size},
            {"max_trials", c.evolution.max_trials},
            {"max_duration", c.evolution.max_duration},
            {"parallel", c.evolution.parallel}}},
          {"seed", c.seed}};
}

}  // namespace nas::darts
